"""Live votes of every connection of a server process, cast in batches.

Channels gives the ORM one thread per process. Cast one by one, live votes queue for that
thread and each pays the whole cost of a transaction (about 6 ms). Here the votes that arrive
while a batch is being written wait in the queue and go together into the next batch
(`casting.ballots_cast`: one transaction, about ten statements whatever the batch's size). A
lone vote is cast at once, as before; under a flood the batches grow by themselves, up to
`MAX_BATCH`, and the cost per vote falls.

Each vote still gets its own answer: its `CastResult`, or the `AllianceError` that refused it.
An error of the whole batch (the database gone) is every vote's answer, and nothing of that
batch was written, so every client may send its vote again. When the database is unreachable
the votes waiting for the next batch get that answer at once too, rather than each batch
waiting for a connection in turn. Any other error of a batch (a bug, one request the database
chokes on) rolled the batch back too: its votes are then cast again one by one, so that only
the vote that fails gets an error (`server_error`: send it again) and the others are cast.
"""

from __future__ import annotations

import asyncio

from channels.db import database_sync_to_async

from alliance import unavailable
from alliance.per_loop import PerLoop
from assemblies.casting import BallotRequest, CastResult, ballots_cast

MAX_BATCH = 200  # votes per transaction: bounds a batch's statement and its wait


@database_sync_to_async
def cast_batch(requests: list[BallotRequest]) -> list:
    return ballots_cast(requests)


class VoteQueue:
    def __init__(self) -> None:
        self.waiting: list[tuple[BallotRequest, asyncio.Future]] = []
        self.worker: asyncio.Task | None = None

    async def cast(self, request: BallotRequest) -> CastResult:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.waiting.append((request, future))
        if self.worker is None or self.worker.done():
            self.worker = loop.create_task(self.work())
        return await future

    async def work(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
            try:
                outcomes = await cast_batch([request for request, _future in batch])
            except Exception as error:  # the database gone: every vote of the batch gets it,
                if unavailable.is_database_unavailable(error):
                    # and so does every vote waiting now, at once: a batch each would make the
                    # last vote wait the pool's timeout once per batch before it (tests/faults).
                    batch, self.waiting = batch + self.waiting, []
                    outcomes = [error] * len(batch)
                else:  # nothing of the batch was written: each vote again, on its own
                    outcomes = await self.one_by_one(batch, error)
            for (_request, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():  # its connection closed meanwhile; the vote may be cast
                    continue
                if isinstance(outcome, Exception):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)

    async def one_by_one(self, batch, error: Exception) -> list:
        """The outcome of each request cast alone: only the one that fails gets an error."""
        if len(batch) == 1:
            return [error]
        outcomes = []
        for request, _future in batch:
            try:
                (outcome,) = await cast_batch([request])
            except Exception as alone:  # its answer: `server_error`, logged (consumers.py)
                outcome = alone
            outcomes.append(outcome)
        return outcomes


queues = PerLoop(VoteQueue)


async def cast(request: BallotRequest) -> CastResult:
    """Cast `request` with the other live votes of this process; raises its error."""
    return await queues.get().cast(request)
