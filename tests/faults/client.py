"""A delegate's live client for the fault harness: the documented protocol
(docs/LIVE_PROTOCOL.md) with an API token, plus what a real client does after a fault:
reconnect with backoff (to the next server, as a load balancer would route it), take the
first `assembly.state` as the truth, keep the tally with the highest `seq`, and send again a
vote that got no answer."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from dataclasses import dataclass, field

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

_ids = itertools.count(1)

# The browser client waits 50-100 % of 1 s, 2 s, 4 s... (assemblies-live.js).
BACKOFF = (1.0, 2.0, 4.0)


class ConnectionLost(Exception):
    """The connection closed before the server answered."""


@dataclass
class Seen:
    at: float
    seq: int
    totals: dict


@dataclass
class FaultClient:
    servers: list  # Daphne objects, the preferred one first
    token: str
    assembly: int
    poll: int
    organisation: int
    seen: list[Seen] = field(default_factory=list)
    states: list[tuple[float, str, int | None]] = field(default_factory=list)  # (at, url, seq)
    closes: list[tuple[float, int | None]] = field(default_factory=list)
    answers: list[dict] = field(default_factory=list)
    server_index: int = 0
    _ws: object = None
    _pending: dict = field(default_factory=dict)
    _connected: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: asyncio.Task | None = None
    _stopping: bool = False

    # --- connection ------------------------------------------------------------------------

    async def start(self, timeout: float = 20) -> None:
        self._runner = asyncio.create_task(self._run())
        await asyncio.wait_for(self._connected.wait(), timeout)

    async def stop(self) -> None:
        self._stopping = True
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            self._runner.cancel()
            await asyncio.gather(self._runner, return_exceptions=True)

    async def _run(self) -> None:
        failures = 0
        while not self._stopping:
            server = self.servers[self.server_index % len(self.servers)]
            try:
                await self._session(server)
                failures = 0
            except (OSError, InvalidHandshake, ConnectionClosed, TimeoutError):
                pass
            if self._stopping:
                return
            self._connected.clear()
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionLost())
            self._pending.clear()
            if not server.alive():
                self.server_index += 1  # the balancer routes to the next process
            base = BACKOFF[min(failures, len(BACKOFF) - 1)]
            failures += 1
            await asyncio.sleep(base * random.uniform(0.5, 1.0))

    async def _session(self, server) -> None:
        async with connect(
            f"{server.ws_url}/ws/assemblies/{self.assembly}/",
            origin=server.url,
            open_timeout=10,
            ping_interval=None,
            compression=None,
        ) as ws:
            self._ws = ws
            await ws.send(json.dumps({"type": "auth", "token": self.token}))
            try:
                async for raw in ws:
                    self._on_message(json.loads(raw), server)
            finally:
                self._ws = None
                code = ws.close_code
                self.closes.append((time.monotonic(), code))

    def _on_message(self, message: dict, server) -> None:
        now = time.monotonic()
        kind = message.get("type")
        if kind == "assembly.state":
            polls = {poll["id"]: poll for poll in message["polls"]}
            seq = polls[self.poll]["tally"]["seq"] if self.poll in polls else None
            self.states.append((now, server.url, seq))
            if seq is not None:
                self._tally(polls[self.poll]["tally"], now)
            self._connected.set()
        elif kind in ("tally", "poll.closed"):
            tally = message if kind == "tally" else message["tally"]
            if tally["poll"] == self.poll:
                self._tally(tally, now)
        elif kind in ("vote.ack", "error"):
            future = self._pending.pop(message.get("request_id"), None)
            if future is not None and not future.done():
                future.set_result(message)

    def _tally(self, tally: dict, now: float) -> None:
        if not self.seen or tally["seq"] > self.seen[-1].seq:
            self.seen.append(Seen(now, tally["seq"], tally["totals"]))

    # --- what the delegate sees and does ---------------------------------------------------

    @property
    def latest(self) -> Seen | None:
        return self.seen[-1] if self.seen else None

    def first_seen(self, seq: int, after: float = 0.0) -> float | None:
        """When this client first held a tally with at least `seq` ballots (after `after`)."""
        return next((s.at for s in self.seen if s.seq >= seq and s.at >= after), None)

    @property
    def in_flight(self) -> int:
        """Votes sent on the current connection and not answered yet."""
        return len(self._pending)

    async def vote_once(self, choice: str, timeout: float = 10) -> dict:
        """Send the vote on the current connection; the answer, or ConnectionLost."""
        await asyncio.wait_for(self._connected.wait(), timeout)
        request_id = f"v{next(_ids)}"
        future = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        sent_at = time.monotonic()
        ws = self._ws
        if ws is None:
            raise ConnectionLost()
        try:
            await ws.send(
                json.dumps(
                    {
                        "type": "vote",
                        "poll": self.poll,
                        "organisation": self.organisation,
                        "choice": choice,
                        "request_id": request_id,
                    }
                )
            )
        except ConnectionClosed:
            raise ConnectionLost() from None
        answer = await asyncio.wait_for(future, timeout)
        answer = {**answer, "sent_at": sent_at, "answered_at": time.monotonic()}
        self.answers.append(answer)
        return answer

    async def vote_until_settled(self, choice: str, deadline: float, after: float = 0) -> dict:
        """Send the vote (`after` seconds from now) and again after every lost connection or
        `database_unavailable`, until it is acknowledged or `already_voted` (an earlier
        attempt was recorded)."""
        await asyncio.sleep(after)
        while True:
            try:
                answer = await self.vote_once(choice, timeout=max(deadline - time.monotonic(), 1))
                if answer["type"] == "vote.ack" or answer["code"] == "already_voted":
                    return answer
                if answer["code"] not in ("database_unavailable", "server_error"):
                    return answer
            except (ConnectionLost, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"vote of {self.organisation} not settled")
            await asyncio.sleep(0.3)


async def start_all(clients: list[FaultClient], timeout: float = 60) -> None:
    semaphore = asyncio.Semaphore(50)

    async def one(client):
        async with semaphore:
            await client.start()

    await asyncio.wait_for(asyncio.gather(*(one(c) for c in clients)), timeout)


async def stop_all(clients: list[FaultClient]) -> None:
    await asyncio.gather(*(c.stop() for c in clients), return_exceptions=True)
