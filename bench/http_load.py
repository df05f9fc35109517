"""A small HTTP/1.1 keep-alive load generator on asyncio streams (no extra dependency).

`run(port, path, concurrency, requests, headers)` sends `requests` GETs over `concurrency`
persistent connections and returns the latencies and the throughput.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @classmethod
    def combined(cls, results: list[LoadResult]) -> LoadResult:
        """Several runs against one server taken as one: their requests over their seconds."""
        return cls(
            requests=sum(r.requests for r in results),
            errors=sum(r.errors for r in results),
            seconds=sum(r.seconds for r in results),
            latencies=[latency for r in results for latency in r.latencies],
        )


async def _read_response(reader: asyncio.StreamReader) -> int:
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length, chunked = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(length)
    return status


async def _worker(port, request: bytes, count: int, latencies: list, errors: list) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for _ in range(count):
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status = await _read_response(reader)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(status)
    finally:
        writer.close()


async def run_async(
    port: int, path: str, concurrency: int, requests: int, headers=None
) -> LoadResult:
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    latencies: list[float] = []
    errors: list[int] = []
    per_worker = max(1, requests // concurrency)
    started = time.perf_counter()
    await asyncio.gather(
        *(_worker(port, request, per_worker, latencies, errors) for _ in range(concurrency))
    )
    return LoadResult(len(latencies), len(errors), time.perf_counter() - started, latencies)


def run(
    port: int, path: str, *, concurrency: int = 32, requests: int = 2000, headers=None
) -> LoadResult:
    return asyncio.run(run_async(port, path, concurrency, requests, headers))
