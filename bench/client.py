"""The load client: N delegates holding live connections, voting, timestamping every tally.

It speaks the documented live protocol (docs/LIVE_PROTOCOL.md): token auth as the first
message, `assembly.state` on connect, `vote` -> `vote.ack` | `error`, absolute `tally`
snapshots with a growing `seq`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

_request_ids = itertools.count(1)


@dataclass
class TallySeen:
    poll: int | None
    seq: int
    at: float


@dataclass
class LiveClient:
    url: str
    token: str | None = None
    origin: str | None = None
    tallies: list[TallySeen] = field(default_factory=list)
    state: dict | None = None
    closed_unexpectedly: bool = False
    close_code: int | None = None
    _pending: dict = field(default_factory=dict)
    _ws: object = None
    _reader: asyncio.Task | None = None
    _state_ready: asyncio.Event = field(default_factory=asyncio.Event)
    _tally_waiters: list = field(default_factory=list)
    closing: bool = False

    async def connect(self, timeout: float = 60) -> None:
        self._ws = await connect(
            self.url,
            origin=self.origin,
            open_timeout=timeout,
            ping_interval=None,
            max_size=2**20,
            compression=None,
        )
        self._reader = asyncio.create_task(self._read())
        if self.token:
            await self._ws.send(json.dumps({"type": "auth", "token": self.token}))
        await asyncio.wait_for(self._state_ready.wait(), timeout)

    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                now = time.perf_counter()
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "tally":
                    seen = TallySeen(message.get("poll"), int(message.get("seq", 0)), now)
                    self.tallies.append(seen)
                    self._wake_tally_waiters(seen)
                elif kind == "assembly.state":
                    self.state = message
                    self._state_ready.set()
                elif kind in ("vote.ack", "error") and message.get("request_id") in self._pending:
                    future = self._pending.pop(message["request_id"])
                    if not future.done():
                        future.set_result((message, now))
        except ConnectionClosed as closed:
            self.close_code = closed.rcvd.code if closed.rcvd else None
        finally:
            if not self.closing:
                self.closed_unexpectedly = True
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("connection closed"))
            self._state_ready.set()

    def _wake_tally_waiters(self, seen: TallySeen) -> None:
        still = []
        for poll, seq, future in self._tally_waiters:
            if seen.poll == poll and seen.seq >= seq and not future.done():
                future.set_result(seen.at)
            elif not future.done():
                still.append((poll, seq, future))
        self._tally_waiters = still

    def tally_at_least(self, poll: int, seq: int) -> asyncio.Future:
        """A future resolved with the time this client first saw a tally of `poll` >= seq."""
        future = asyncio.get_running_loop().create_future()
        for seen in reversed(self.tallies):
            if seen.poll == poll and seen.seq >= seq:
                future.set_result(seen.at)
                return future
        self._tally_waiters.append((poll, seq, future))
        return future

    async def vote(self, poll: int, organisation: int, choice) -> tuple[dict, float, float]:
        """Send a vote; returns (answer, sent_at, answered_at)."""
        request_id = f"r{next(_request_ids)}"
        future = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        sent_at = time.perf_counter()
        await self._ws.send(
            json.dumps(
                {
                    "type": "vote",
                    "poll": poll,
                    "organisation": organisation,
                    "choice": choice,
                    "request_id": request_id,
                }
            )
        )
        answer, answered_at = await future
        return answer, sent_at, answered_at

    async def send_raw(self, payload: dict) -> None:
        await self._ws.send(json.dumps(payload))

    async def close(self) -> None:
        self.closing = True
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)


RETRY_PAUSES = (1.0, 2.0, 0.0)


async def connect_many(clients: list[LiveClient], concurrency: int = 100) -> list[Exception]:
    """Connect every client, `concurrency` at a time (daphne's listen backlog is finite)."""
    semaphore = asyncio.Semaphore(concurrency)
    errors: list[Exception] = []

    async def one(client: LiveClient) -> None:
        # Like the browser client: a refused handshake (daphne rejects a connection its busy
        # loop did not accept within 5 s) is tried again after a pause, twice.
        for attempt, pause in enumerate(RETRY_PAUSES):
            async with semaphore:
                try:
                    await client.connect()
                    return
                except Exception as exc:
                    if attempt == len(RETRY_PAUSES) - 1:
                        errors.append(exc)
                        return
            await asyncio.sleep(pause)

    await asyncio.gather(*(one(c) for c in clients))
    return errors


async def close_all(clients: list[LiveClient]) -> None:
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]
