"""Live tallies: absolute snapshots, coalesced per poll, sent once to the group, seq growing."""

import asyncio
import itertools
import logging

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import connection

from assemblies import services, tally_publisher
from assemblies.selectors import poll_tally
from tests.assemblies.factories import AssemblyFactory, cast, open_poll, seat
from tests.assemblies.live_helpers import (
    communicator,
    drain,
    receive_until,
    session_cookie,
    watch,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def assembly():
    return AssemblyFactory()


def cast_in_own_thread(poll, delegate, choice):
    """Cast from a thread of its own (real concurrency on PostgreSQL), then close its
    connection."""
    try:
        return cast(poll, delegate, choice)
    finally:
        connection.close()


def tallies(messages, poll):
    return [m for m in messages if m["type"] == "tally" and m["poll"] == poll.pk]


async def test_a_burst_of_ballots_gives_few_tallies_and_the_last_equals_the_database(assembly):
    delegates = await database_sync_to_async(seat)(assembly, 50)
    poll = await database_sync_to_async(open_poll)(assembly)
    watcher = await watch(delegates[0], assembly)
    choices = ["yes", "no", "abstain"]
    started = asyncio.get_running_loop().time()
    await asyncio.gather(
        *(
            sync_to_async(cast_in_own_thread, thread_sensitive=False)(
                poll, delegate, choices[index % 3]
            )
            for index, delegate in enumerate(delegates)
        )
    )
    await tally_publisher.wait_idle()
    elapsed = asyncio.get_running_loop().time() - started
    received = tallies(await drain(watcher, quiet=0.5), poll)
    assert 1 <= len(received) <= elapsed / tally_publisher.WINDOW + 2
    assert len(received) < 50 / 2
    seqs = [t["seq"] for t in received]
    assert seqs == sorted(set(seqs))  # strictly growing
    expected = await database_sync_to_async(poll_tally)(poll)
    assert received[-1] == expected
    assert expected["seq"] == 50
    assert expected["totals"] == {"yes": "17.00", "no": "17.00", "abstain": "16.00"}
    await watcher.disconnect()


async def test_each_window_reads_and_sends_one_snapshot_whatever_the_number_of_watchers(
    assembly, monkeypatch
):
    delegates = await database_sync_to_async(seat)(assembly, 12)
    poll = await database_sync_to_async(open_poll)(assembly)
    watchers = [await watch(d, assembly) for d in delegates[:4]]
    layer = get_channel_layer()
    sent, reads, starts = [], [], []
    group_send, snapshot, start = (
        layer.group_send,
        tally_publisher.snapshot,
        tally_publisher.Coalescer.start,
    )

    async def spy_send(group, message):
        if message["type"] == "tally":
            sent.append(message["seq"])
        await group_send(group, message)

    def spy_snapshot(poll_id):
        reads.append(poll_id)
        return snapshot(poll_id)

    def spy_start(coalescer, poll_id):
        starts.append(coalescer.loop.time())
        start(coalescer, poll_id)

    monkeypatch.setattr(layer, "group_send", spy_send)
    monkeypatch.setattr(tally_publisher, "snapshot", spy_snapshot)
    monkeypatch.setattr(tally_publisher.Coalescer, "start", spy_start)
    await asyncio.gather(
        *(
            sync_to_async(cast_in_own_thread, thread_sensitive=False)(poll, delegate, "yes")
            for delegate in delegates
        )
    )
    await tally_publisher.wait_idle()
    assert len(starts) == len(reads) < len(delegates)
    assert sent == sorted(set(sent))  # a re-read without new ballots is not sent again
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert all(gap >= tally_publisher.WINDOW * 0.98 for gap in gaps), gaps
    for comm in watchers:
        assert [t["seq"] for t in tallies(await drain(comm, quiet=0.3), poll)] == sent
        await comm.disconnect()
    assert sent[-1] == 12


async def test_acknowledged_seq_is_reached_by_a_later_tally(assembly):
    alice, bob, carol = await database_sync_to_async(seat)(assembly, 3)
    poll = await database_sync_to_async(open_poll)(assembly)
    comms = {d: await watch(d, assembly) for d in (alice, bob, carol)}
    for delegate, comm in comms.items():
        await comm.send_json_to(
            {
                "type": "vote",
                "poll": poll.pk,
                "organisation": delegate.organisation_id,
                "choice": "yes",
                "request_id": str(delegate.pk),
            }
        )
    for comm in comms.values():
        ack = await receive_until(comm, "vote.ack")
        tally = await receive_until(comm, "tally")
        while tally["seq"] < ack["seq"]:
            tally = await receive_until(comm, "tally")
        assert int(tally["ballots"]) >= ack["seq"]
        await comm.disconnect()


async def test_a_stale_or_repeated_tally_from_another_process_is_dropped(assembly):
    (alice,) = await database_sync_to_async(seat)(assembly, 1)
    poll = await database_sync_to_async(open_poll)(assembly)
    comm = await watch(alice, assembly)
    layer = get_channel_layer()
    group = f"assembly-{assembly.pk}-tallies"
    base = {"type": "tally", "poll": poll.pk, "weight_cast": "0.00", "totals": {}}
    for seq in (3, 2, 3, 0, 5, 4):
        await layer.group_send(group, {**base, "seq": seq, "ballots": seq})
    received = tallies(await drain(comm, quiet=0.3), poll)
    assert [t["seq"] for t in received] == [3, 5]
    # A reconnecting client asks for the state: it never goes back below what it was sent.
    await comm.send_json_to({"type": "sync"})
    state = await receive_until(comm, "assembly.state")
    assert state["polls"][0]["tally"]["seq"] == 5
    await comm.disconnect()


async def test_the_ballot_stands_when_the_channel_layer_is_down(assembly, monkeypatch, caplog):
    alice, bob = await database_sync_to_async(seat)(assembly, 2)
    poll = await database_sync_to_async(open_poll)(assembly)
    comm = await watch(alice, assembly)

    async def broken(group, message):
        raise ConnectionError("redis is gone")

    monkeypatch.setattr(get_channel_layer(), "group_send", broken)
    with caplog.at_level(logging.WARNING, logger="assemblies.tally_publisher"):
        await comm.send_json_to(
            {"type": "vote", "poll": poll.pk, "organisation": alice.organisation_id, "choice": "no"}
        )
        ack = await receive_until(comm, "vote.ack")
        await tally_publisher.wait_idle()
    assert ack["seq"] == 1
    assert (await database_sync_to_async(poll_tally)(poll))["totals"]["no"] == "1.00"
    assert "not published" in caplog.text
    monkeypatch.undo()
    # Back up: the tally that failed goes out by itself, with no other ballot to carry it.
    tally = await receive_until(comm, "tally", timeout=3)
    assert (tally["seq"], tally["totals"]["no"]) == (1, "1.00")
    await database_sync_to_async(cast)(poll, bob, "yes")
    tally = await receive_until(comm, "tally")
    assert (tally["seq"], tally["totals"]["no"], tally["totals"]["yes"]) == (2, "1.00", "1.00")
    await comm.disconnect()


def test_without_a_server_loop_the_tally_is_published_at_once(assembly, monkeypatch):
    (alice,) = seat(assembly, 1)
    poll = open_poll(assembly)
    sent = []
    monkeypatch.setattr(
        tally_publisher, "group_send_now", lambda group, message: sent.append((group, message))
    )
    cast(poll, alice, "yes")
    assert sent == [(f"assembly-{assembly.pk}-tallies", poll_tally(poll))]


async def test_the_closing_event_carries_the_final_tally(assembly, secretariat):
    alice, bob = await database_sync_to_async(seat)(assembly, 2)
    poll = await database_sync_to_async(open_poll)(assembly, teller=secretariat)
    comm = await watch(alice, assembly)
    await database_sync_to_async(cast)(poll, alice, "yes")
    await database_sync_to_async(cast)(poll, bob, "no")
    await database_sync_to_async(services.poll_close)(actor=secretariat, poll=poll)
    closed = await receive_until(comm, "poll.closed")
    assert closed["tally"]["seq"] == 2
    assert closed["tally"]["totals"] == {"yes": "1.00", "no": "1.00", "abstain": "0.00"}
    await comm.disconnect()


async def test_a_client_reconnecting_is_right_at_its_first_snapshot(assembly):
    alice, bob, carol = await database_sync_to_async(seat)(assembly, 3)
    poll = await database_sync_to_async(open_poll)(assembly)
    first = await watch(alice, assembly)
    await database_sync_to_async(cast)(poll, alice, "yes")
    await receive_until(first, "tally")
    await first.disconnect()
    # While it is away, two more ballots.
    await database_sync_to_async(cast)(poll, bob, "no")
    await database_sync_to_async(cast)(poll, carol, "no")
    await tally_publisher.wait_idle()
    again = communicator(assembly.pk, cookie=await database_sync_to_async(session_cookie)(alice))
    await again.connect()
    state = await again.receive_json_from()
    assert state["type"] == "assembly.state"
    assert state["polls"][0]["tally"] == await database_sync_to_async(poll_tally)(poll)
    assert state["polls"][0]["tally"]["seq"] == 3
    await again.disconnect()


async def test_a_member_watching_a_secret_poll_live_sees_participation_never_totals(
    assembly, secretariat
):
    """The attacker watches the live channel between ballots: with totals, the difference of
    two tallies would be one ballot's choice, and the room shows who just voted."""
    alice, bob, carol = await database_sync_to_async(seat)(assembly, 3)
    poll = await database_sync_to_async(open_poll)(assembly, secret=True, teller=secretariat)
    comm = await watch(carol, assembly)
    await database_sync_to_async(cast)(poll, alice, "yes")
    await database_sync_to_async(cast)(poll, bob, "no")
    await tally_publisher.wait_idle()
    live = tallies(await drain(comm), poll)
    assert live and live[-1]["ballots"] == 2 and live[-1]["weight_cast"] == "2.00"
    assert all(t["hidden"] is True and t["totals"] is None for t in live)
    await database_sync_to_async(services.poll_close)(actor=secretariat, poll=poll)
    closed = await receive_until(comm, "poll.closed")
    assert closed["tally"]["totals"] == {"yes": "1.00", "no": "1.00", "abstain": "0.00"}
    await comm.disconnect()
