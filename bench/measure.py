"""Measurements shared by product scenarios and their baselines."""

from __future__ import annotations

import asyncio
import time

from bench.client import LiveClient, close_all, connect_many, percentile
from bench.processes import Server


async def hold_connections(
    servers: list[Server], clients: list[LiveClient], seconds: float, *, close: bool = True
) -> dict:
    """Connect every client, hold for `seconds`, report memory per connection and idle CPU.
    With `close=False` the connections stay open for the caller's next measurement."""
    rss_before = sum(s.rss() for s in servers)
    started = time.perf_counter()
    errors = await connect_many(clients)
    connect_seconds = time.perf_counter() - started
    connected = len(clients) - len(errors)
    marks = [s.mark_cpu() for s in servers]
    await asyncio.sleep(seconds)
    idle_cpu = sum(s.cpu_share_since(m) for s, m in zip(servers, marks, strict=True))
    rss_after = sum(s.rss() for s in servers)
    unexpected = sum(1 for c in clients if c.closed_unexpectedly)
    if close:
        await close_all(clients)
    return {
        "clients": len(clients),
        "connected": connected,
        "connect_errors": len(errors),
        "unexpected_closes": unexpected,
        "connect_seconds": connect_seconds,
        "held_seconds": seconds,
        "rss_per_connection_kib": (rss_after - rss_before) / max(connected, 1) / 1024,
        "idle_cpu_share": idle_cpu,
    }


TALLY_TIMEOUT = 30.0  # seconds a vote's tally has to reach every screen


async def vote_to_every_screen(
    clients: list[LiveClient], votes: int, cast, *, give_up_after: int | None = None
) -> dict:
    """`cast(i)` sends the i-th vote and returns (poll, seq) of the first tally including it;
    the latency is from sending to the LAST client seeing a tally at or above that seq. With
    `give_up_after`, the measure stops once that many votes in a row were not seen by every
    screen (a baseline that loses every tally need not cost 30 s a vote)."""
    latencies, missed = [], []
    tried = 0
    for i in range(votes):
        if give_up_after and len(missed) >= give_up_after and not latencies:
            break
        tried += 1
        sent_at = time.perf_counter()
        poll, seq = await cast(i)
        waits = [asyncio.ensure_future(c.tally_at_least(poll, seq)) for c in clients]
        done, pending = await asyncio.wait(waits, timeout=TALLY_TIMEOUT)
        for waiting in pending:
            waiting.cancel()
        if pending:  # some screens never saw it: reported, not averaged in
            missed.append(len(pending))
            continue
        latencies.append(max(w.result() for w in done) - sent_at)
    return {
        "clients": len(clients),
        "votes": tried,
        "p50_ms": percentile(latencies, 0.50) * 1000 if latencies else None,
        "p99_ms": percentile(latencies, 0.99) * 1000 if latencies else None,
        "max_ms": max(latencies) * 1000 if latencies else None,
        "votes_not_seen_by_every_screen": len(missed),
        "screens_missing_at_worst": max(missed, default=0),
    }


def steady_ack_rate(sends_and_acks: list[tuple[float, float]], warm_up: float) -> float:
    """Acknowledgements per second from `warm_up` seconds after the first send to the last
    send: the rate the server keeps up with once running, without the start nor the tail of
    latency after the last send, which the end-to-end rate counts as lost time."""
    first_send = min(sent for sent, _acked in sends_and_acks)
    last_send = max(sent for sent, _acked in sends_and_acks)
    start = first_send + warm_up
    if last_send <= start:
        return float("nan")
    acked = sum(1 for _sent, acked in sends_and_acks if start <= acked <= last_send)
    return acked / (last_send - start)
