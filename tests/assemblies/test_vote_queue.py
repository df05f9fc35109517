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
from tests.assemblies.test_consumer_messages import assert_still_open

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


async def _batch_behind_a_held_one(monkeypatch, count):
    """`count` seated delegates on screens and an open poll; the first vote's batch is held
    until `release()`, so the votes sent meanwhile go into the next batch together."""
    assembly = await database_sync_to_async(AssemblyFactory)()
    delegates = await database_sync_to_async(seat)(assembly, count)
    poll = await database_sync_to_async(open_poll)(assembly)
    screens = [await watch(d, assembly) for d in delegates]
    running, release, batches = threading.Event(), threading.Event(), []

    def held_first_batch(requests):
        batches.append(len(requests))
        if len(batches) == 1:
            running.set()
            release.wait(10)
        return casting.ballots_cast(requests)

    monkeypatch.setattr(vote_queue, "ballots_cast", held_first_batch)
    await screens[0].send_json_to(vote(poll, delegates[0]))
    await asyncio.to_thread(running.wait, 10)
    return poll, delegates, screens, release, batches


async def _queued(count):
    while sum(len(q.waiting) for q in vote_queue.queues.values()) < count:
        await asyncio.sleep(0.01)


async def test_a_vote_with_an_out_of_range_poll_id_does_not_fail_its_batch(monkeypatch):
    poll, delegates, screens, release, batches = await _batch_behind_a_held_one(monkeypatch, 5)
    bad = {**vote(poll, delegates[1]), "poll": 2**63}  # past a bigint: no row, and the
    await screens[1].send_json_to(bad)  # database would refuse the whole statement
    for screen, delegate in zip(screens[2:], delegates[2:], strict=True):
        await screen.send_json_to(vote(poll, delegate))
    try:
        await asyncio.wait_for(_queued(3), 5)
        await asyncio.sleep(0.1)  # the bad vote, had it been queued, would be by now
    finally:
        release.set()
    error = await receive_until(screens[1], "error")
    acks = [await receive_until(screen, "vote.ack") for screen in [screens[0], *screens[2:]]]

    assert (error["code"], error["request_id"]) == ("invalid_message", f"r{delegates[1].pk}")
    assert len(acks) == 4 and batches == [1, 3]
    ballots = database_sync_to_async(Ballot.objects.filter(poll=poll).count)
    assert await ballots() == 4
    for screen in screens:
        await screen.disconnect()


async def test_one_vote_failing_unexpectedly_in_a_batch_does_not_fail_the_others(monkeypatch):
    poll, delegates, screens, release, batches = await _batch_behind_a_held_one(monkeypatch, 4)
    doomed = delegates[2].organisation_id
    verify = casting._Checks.verify

    def fails_for_one_cae(checks, request, key):
        if key[1] == doomed:
            raise RuntimeError("a bug that only this CAE's vote meets")
        return verify(checks, request, key)

    monkeypatch.setattr(casting._Checks, "verify", fails_for_one_cae)
    for screen, delegate in zip(screens[1:], delegates[1:], strict=True):
        await screen.send_json_to(vote(poll, delegate))
    try:
        await asyncio.wait_for(_queued(3), 5)
    finally:
        release.set()
    error = await receive_until(screens[2], "error")
    acks = [await receive_until(s, "vote.ack") for s in (screens[0], screens[1], screens[3])]

    assert (error["code"], error["request_id"]) == ("server_error", f"r{delegates[2].pk}")
    assert [a["request_id"] for a in acks] == [f"r{delegates[i].pk}" for i in (0, 1, 3)]
    assert batches == [1, 3, 1, 1, 1]  # the failed batch, then each of its votes alone
    voted = database_sync_to_async(
        lambda: set(poll.vote_records.values_list("organisation_id", flat=True))
    )
    assert await voted() == {delegates[i].organisation_id for i in (0, 1, 3)}
    await assert_still_open(screens[2])
    for screen in screens:
        await screen.disconnect()
