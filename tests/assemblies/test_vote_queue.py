"""Live votes that arrive while a batch is being written are cast together by the next one,
each answered on its own connection (`assemblies/vote_queue.py`)."""

import asyncio
import threading

import pytest
from channels.db import database_sync_to_async

from alliance import unavailable
from assemblies import casting, vote_queue
from assemblies.models import Ballot
from tests.assemblies.factories import AssemblyFactory, open_poll, seat
from tests.assemblies.live_helpers import receive_until, watch

pytestmark = pytest.mark.django_db(transaction=True)


def vote(poll, delegate, choice="yes"):
    return {
        "type": "vote",
        "poll": poll.pk,
        "organisation": delegate.organisation_id,
        "choice": choice,
        "request_id": f"r{delegate.pk}",
    }


async def test_votes_arriving_during_a_batch_are_cast_together_by_the_next(monkeypatch):
    assembly = await database_sync_to_async(AssemblyFactory)()
    delegates = await database_sync_to_async(seat)(assembly, 12)
    poll = await database_sync_to_async(open_poll)(assembly)
    screens = [await watch(d, assembly) for d in delegates]
    first_batch_running, release = threading.Event(), threading.Event()
    batches = []

    def held_first_batch(requests):
        batches.append([r.request_id for r in requests])
        if len(batches) == 1:
            first_batch_running.set()
            release.wait(10)  # the ORM thread is busy: the other votes queue meanwhile
        return casting.ballots_cast(requests)

    monkeypatch.setattr(vote_queue, "ballots_cast", held_first_batch)
    await screens[0].send_json_to(vote(poll, delegates[0]))
    await asyncio.to_thread(first_batch_running.wait, 10)
    for screen, delegate in zip(screens[1:], delegates[1:], strict=True):
        await screen.send_json_to(vote(poll, delegate))
    # A double click: a connection's frames are handled in turn, so it waits for the first.
    await screens[1].send_json_to(vote(poll, delegates[1], "no"))

    async def queued(count):
        while sum(len(q.waiting) for q in vote_queue.queues.values()) < count:
            await asyncio.sleep(0.01)

    try:  # the frames reach the queue although the ORM thread is busy (alliance.ws)
        await asyncio.wait_for(queued(11), 5)
    finally:
        release.set()
    acks = [await receive_until(screen, "vote.ack") for screen in screens]
    duplicate = await receive_until(screens[1], "error")

    assert [len(b) for b in batches] == [1, 11, 1]
    assert acks[0]["seq"] == 1 and {a["seq"] for a in acks[1:]} == {12}
    assert [a["request_id"] for a in acks] == [f"r{d.pk}" for d in delegates]
    assert duplicate["code"] == "already_voted"
    assert await database_sync_to_async(Ballot.objects.filter(poll=poll).count)() == 12
    for screen in screens:
        await screen.disconnect()


async def test_with_the_database_gone_the_waiting_votes_are_refused_with_the_batch(monkeypatch):
    from tests.alliance.test_database_unavailable import lost_connection

    running, release, calls = asyncio.Event(), asyncio.Event(), []

    async def failing_batch(requests):
        calls.append(len(requests))
        running.set()
        await release.wait()  # the pool waits for a connection meanwhile
        raise lost_connection()

    monkeypatch.setattr(vote_queue, "cast_batch", failing_batch)
    queue = vote_queue.VoteQueue()
    first = asyncio.ensure_future(queue.cast("first"))
    await running.wait()
    waiting = [asyncio.ensure_future(queue.cast(f"vote {i}")) for i in range(3)]
    await asyncio.sleep(0)
    release.set()
    outcomes = await asyncio.gather(first, *waiting, return_exceptions=True)
    assert calls == [1]  # no second batch waited for a connection in vain
    assert all(unavailable.is_database_unavailable(o) for o in outcomes), outcomes
    assert queue.waiting == []
