"""Votes and bad input over the live channel: an answer for everything, the connection kept."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from alliance.ws import CLOSE_FLOOD, RATE_BURST
from assemblies import fanout, services
from assemblies.consumers import MAX_MESSAGE_BYTES
from assemblies.models import Ballot, VoteRecord
from tests.assemblies.factories import AssemblyFactory, open_poll, seat
from tests.assemblies.live_helpers import (
    communicator,
    drain,
    receive_close,
    receive_until,
    relay_ended,
    session_cookie,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def assembly():
    return AssemblyFactory()


@pytest.fixture
def room(assembly):
    """Three CAEs checked in and an open motion."""
    delegates = seat(assembly, 3)
    return delegates, open_poll(assembly)


async def connect_as(user, assembly):
    comm = communicator(assembly.pk, cookie=await database_sync_to_async(session_cookie)(user))
    connected, _ = await comm.connect()
    assert connected
    await receive_until(comm, "assembly.state")
    return comm


async def assert_still_open(comm):
    await comm.send_json_to({"type": "ping", "request_id": "still"})
    assert await receive_until(comm, "pong") == {"type": "pong", "request_id": "still"}


def vote(poll, delegate, choice, request_id="r1", **extra):
    return {
        "type": "vote",
        "poll": poll.pk,
        "organisation": delegate.organisation_id,
        "choice": choice,
        "request_id": request_id,
        **extra,
    }


async def test_a_vote_is_acknowledged_with_its_receipt_and_seq(assembly, room):
    (alice, *_), poll = room
    comm = await connect_as(alice, assembly)
    await comm.send_json_to(vote(poll, alice, "yes", "v-1"))
    ack = await receive_until(comm, "vote.ack")
    assert ack["poll"] == poll.pk
    assert ack["organisation"] == alice.organisation_id
    assert ack["seq"] == 1
    assert ack["request_id"] == "v-1"
    assert len(ack["receipt"]) >= 20
    tally = await receive_until(comm, "tally")
    assert tally["seq"] >= ack["seq"]
    assert tally["totals"]["yes"] == "1.00"
    assert await database_sync_to_async(Ballot.objects.filter(poll=poll).count)() == 1
    await comm.disconnect()


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("twice", "already_voted"),
        ("other_cae", "not_entitled"),
        ("unknown_cae", "not_entitled"),
        ("bad_choice", "invalid_choice"),
        ("closed", "poll_closed"),
        ("draft", "poll_not_open"),
        ("other_assembly", "poll_not_found"),
    ],
)
async def test_a_refused_vote_answers_its_code_and_keeps_the_connection(
    assembly, room, secretariat, case, code
):
    (alice, bob, _), poll = room
    message = vote(poll, alice, "yes", "bad")
    if case == "twice":
        await database_sync_to_async(services.ballot_cast)(
            poll=poll, organisation=alice.organisation, actor=alice, choice="no"
        )
    elif case == "other_cae":
        message["organisation"] = bob.organisation_id
    elif case == "unknown_cae":
        message["organisation"] = 987_654
    elif case == "bad_choice":
        message["choice"] = "peut-être"
    elif case == "closed":
        await database_sync_to_async(services.poll_close)(actor=secretariat, poll=poll)
    elif case == "draft":
        draft = await database_sync_to_async(services.poll_create)(
            actor=secretariat, assembly=assembly, title="?", method="motion", threshold="simple"
        )
        message["poll"] = draft.pk
    elif case == "other_assembly":
        elsewhere = await database_sync_to_async(AssemblyFactory)()
        other_poll = await database_sync_to_async(services.poll_create)(
            actor=secretariat, assembly=elsewhere, title="?", method="motion", threshold="simple"
        )
        message["poll"] = other_poll.pk
    records_before = await database_sync_to_async(VoteRecord.objects.count)()
    comm = await connect_as(alice, assembly)
    await comm.send_json_to(message)
    error = await receive_until(comm, "error")
    assert error["code"] == code
    assert error["request_id"] == "bad"
    assert error["message"]
    assert await database_sync_to_async(VoteRecord.objects.count)() == records_before
    await assert_still_open(comm)
    await comm.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "invalid_json"),
        ("[1, 2]", "invalid_message"),
        ('{"no": "type"}', "invalid_message"),
        ('{"type": "launch_missiles"}', "unknown_type"),
        ('{"type": "vote", "poll": "1", "organisation": 1, "choice": "yes"}', "invalid_message"),
        ('{"type": "vote", "poll": 1, "organisation": true, "choice": "yes"}', "invalid_message"),
        ('{"type": "vote", "poll": 1, "organisation": 1}', "invalid_message"),
        (
            '{"type": "vote", "poll": 9223372036854775808, "organisation": 1, "choice": "yes"}',
            "invalid_message",
        ),  # 2**63: past a bigint key
        ('{"type": "vote", "poll": 0, "organisation": 1, "choice": "yes"}', "invalid_message"),
        ('{"type": "vote", "poll": 1.0, "organisation": 1, "choice": "yes"}', "invalid_message"),
        ('{"type": "vote", "poll": NaN, "organisation": 1, "choice": "yes"}', "invalid_message"),
        (
            '{"type": "vote", "poll": 1, "organisation": -Infinity, "choice": "y"}',
            "invalid_message",
        ),
        ('{"type": "ping", "request_id": 12}', "invalid_message"),
        ('{"type": "auth"}', "invalid_message"),
        ("", "invalid_json"),
    ],
)
async def test_malformed_messages_answer_an_error_and_keep_the_connection(
    assembly, member, frame, code
):
    comm = await connect_as(member, assembly)
    await comm.send_input({"type": "websocket.receive", "text": frame})
    error = await comm.receive_json_from()
    assert error["type"] == "error"
    assert error["code"] == code
    await assert_still_open(comm)
    await comm.disconnect()


async def test_an_oversized_or_binary_frame_is_refused_and_the_connection_kept(assembly, room):
    (alice, *_), poll = room
    comm = await connect_as(alice, assembly)
    big = vote(poll, alice, "yes", "big", padding="x" * MAX_MESSAGE_BYTES)
    await comm.send_json_to(big)
    assert (await comm.receive_json_from())["code"] == "message_too_large"
    await comm.send_to(bytes_data=b"\x00\x01")
    assert (await comm.receive_json_from())["code"] == "invalid_message"
    assert not await database_sync_to_async(Ballot.objects.exists)()
    await assert_still_open(comm)
    await comm.disconnect()


async def test_a_flood_is_limited_then_closed_and_other_clients_carry_on(assembly, member, room):
    (alice, *_), poll = room
    flooder = await connect_as(member, assembly)
    voter = await connect_as(alice, assembly)
    for index in range(RATE_BURST + 1):
        await flooder.send_json_to({"type": "ping", "request_id": f"p{index}"})
    answers = [await flooder.receive_json_from() for _ in range(RATE_BURST + 1)]
    assert [a["type"] for a in answers] == ["pong"] * RATE_BURST + ["error"]
    assert answers[-1]["code"] == "rate_limited"
    for index in range(RATE_BURST * 2):
        await flooder.send_json_to({"type": "ping", "request_id": f"q{index}"})
    assert await receive_close(flooder) == CLOSE_FLOOD
    await voter.send_json_to(vote(poll, alice, "yes", "calm"))
    assert (await receive_until(voter, "vote.ack"))["request_id"] == "calm"
    await voter.disconnect()


async def test_sync_resends_the_state(assembly, room):
    (alice, *_), poll = room
    comm = await connect_as(alice, assembly)
    await comm.send_json_to(vote(poll, alice, "no"))
    await receive_until(comm, "vote.ack")
    await drain(comm, quiet=0.4)
    await comm.send_json_to({"type": "sync"})
    state = await receive_until(comm, "assembly.state")
    (listed,) = state["polls"]
    assert listed["tally"]["seq"] == 1
    assert listed["tally"]["totals"]["no"] == "1.00"
    await comm.disconnect()


async def test_events_of_the_assembly_are_relayed(assembly, secretariat):
    (alice, _, carol) = await database_sync_to_async(seat)(assembly, 3)
    comm = await connect_as(alice, assembly)
    await database_sync_to_async(services.attendance_check_out)(
        actor=secretariat, assembly=assembly, organisation=carol.organisation
    )
    attendance = await receive_until(comm, "attendance")
    assert attendance["present"] == 2
    poll = await database_sync_to_async(open_poll)(assembly, teller=secretariat)
    opened = await receive_until(comm, "poll.opened")
    assert opened["poll"]["id"] == poll.pk
    await database_sync_to_async(services.poll_close)(actor=secretariat, poll=poll)
    closed = await receive_until(comm, "poll.closed")
    assert closed["poll"] == poll.pk
    await database_sync_to_async(services.poll_publish)(actor=secretariat, poll=poll)
    result = await receive_until(comm, "poll.result")
    assert result["poll"] == poll.pk
    await comm.disconnect()


async def test_events_of_another_assembly_are_not_relayed(assembly, member):
    other = await database_sync_to_async(AssemblyFactory)()
    comm = await connect_as(member, assembly)
    await database_sync_to_async(seat)(other, 1)
    assert await drain(comm, quiet=0.3) == []
    await comm.disconnect()


async def test_the_group_is_left_on_disconnect(assembly, member, monkeypatch):
    layer = get_channel_layer()
    left = []
    discard = layer.group_discard

    async def spy(group, channel):
        left.append((group, channel))
        await discard(group, channel)

    monkeypatch.setattr(layer, "group_discard", spy)
    comm = await connect_as(member, assembly)
    relay = fanout.relays_by_assembly.get()[assembly.pk]
    await comm.disconnect()
    await relay_ended(relay, assembly.pk)
    assert sorted(group for group, _ in left) == [
        f"assembly-{assembly.pk}",
        f"assembly-{assembly.pk}-tallies",
        f"person-{member.pk}",
    ]
    assert fanout.relay_count() == 0
    # Nothing is delivered to the channel any more.
    await layer.group_send(f"assembly-{assembly.pk}", {"type": "attendance", "present": 0})
    await asyncio.sleep(0.05)
    (channel,) = [channel for group, channel in left if group == f"assembly-{assembly.pk}"]
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(layer.receive(channel), timeout=0.2)


async def test_an_unexpected_failure_answers_server_error_and_keeps_the_connection(
    assembly, room, monkeypatch
):
    (alice, *_), poll = room

    def broken(requests):
        raise RuntimeError("a bug")

    monkeypatch.setattr("assemblies.vote_queue.ballots_cast", broken)
    comm = await connect_as(alice, assembly)
    await comm.send_json_to(vote(poll, alice, "yes", "boom"))
    error = await receive_until(comm, "error")
    assert (error["code"], error["request_id"]) == ("server_error", "boom")
    await assert_still_open(comm)
    await comm.disconnect()
