"""The HTTP load generator counts answers and errors on a real socket, and runs taken in
turns add up as requests over seconds, not as an average of rates."""

import asyncio

from bench.http_load import LoadResult, run_async


async def answer(reader, writer):
    try:
        while request := await reader.readuntil(b"\r\n\r\n"):
            status = b"500 Boom" if b"GET /fail" in request else b"200 OK"
            writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Length: 2\r\n\r\n{}")
            await writer.drain()
    except asyncio.IncompleteReadError:  # the client closed its connection
        writer.close()


async def test_every_request_is_answered_and_non_200_answers_are_counted():
    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        ok = await run_async(port, "/ok", concurrency=4, requests=20)
        failed = await run_async(port, "/fail", concurrency=2, requests=6)
    finally:
        server.close()
    assert (ok.requests, ok.errors, len(ok.latencies)) == (20, 0, 20)
    assert (failed.requests, failed.errors) == (6, 6)


def test_runs_combined_are_their_requests_over_their_seconds():
    fast = LoadResult(requests=100, errors=0, seconds=1.0, latencies=[0.01] * 100)
    slow = LoadResult(requests=100, errors=1, seconds=4.0, latencies=[0.04] * 100)
    both = LoadResult.combined([fast, slow])
    assert (both.requests, both.errors, both.seconds) == (200, 1, 5.0)
    assert both.per_second == 40.0  # not (100 + 25) / 2
    assert len(both.latencies) == 200
