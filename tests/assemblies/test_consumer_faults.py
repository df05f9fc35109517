"""The live channel when the database or the channel layer fails: an answer with a stable code,
never a crash (the real outages: tests/faults/)."""

from unittest import mock

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from rest_framework.authtoken.models import Token

from assemblies.consumers import CLOSE_UNAVAILABLE
from assemblies.models import Ballot
from tests.alliance.test_database_unavailable import lost_connection
from tests.assemblies.factories import AssemblyFactory, open_poll, seat
from tests.assemblies.live_helpers import communicator, receive_close, receive_until
from tests.assemblies.test_consumer_messages import assert_still_open, connect_as, vote

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def room():
    assembly = AssemblyFactory()
    delegates = seat(assembly, 2)
    return assembly, delegates, open_poll(assembly)


def database_lost(target):
    return mock.patch(target, side_effect=lost_connection())


async def test_a_vote_without_the_database_gets_database_unavailable_and_keeps_the_connection(
    room,
):
    assembly, (alice, _bob), poll = room
    comm = await connect_as(alice, assembly)
    with database_lost("assemblies.vote_queue.ballots_cast"):
        await comm.send_json_to(vote(poll, alice, "yes", request_id="lost"))
        error = await receive_until(comm, "error")
    assert error["code"] == "database_unavailable"
    assert error["request_id"] == "lost"
    assert "renvoyez votre vote" in error["message"]
    await assert_still_open(comm)
    # Back: the same vote goes through.
    await comm.send_json_to(vote(poll, alice, "yes", request_id="again"))
    assert (await receive_until(comm, "vote.ack"))["request_id"] == "again"
    assert await database_sync_to_async(Ballot.objects.filter(poll=poll).count)() == 1
    await comm.disconnect()


async def test_a_sync_without_the_database_gets_database_unavailable(room):
    assembly, (alice, _bob), _poll = room
    comm = await connect_as(alice, assembly)
    with database_lost("assemblies.consumers.assembly_state"):
        await comm.send_json_to({"type": "sync", "request_id": "s"})
        error = await receive_until(comm, "error")
    assert (error["code"], error["request_id"]) == ("database_unavailable", "s")
    await assert_still_open(comm)
    await comm.disconnect()


async def test_a_connection_that_cannot_start_is_closed_4503_to_be_tried_again(room):
    assembly, (alice, _bob), _poll = room
    token = await database_sync_to_async(Token.objects.create)(user=alice)
    comm = communicator(assembly.pk)
    connected, _ = await comm.connect()
    assert connected
    with database_lost("assemblies.consumers.Token.objects.select_related"):
        await comm.send_json_to({"type": "auth", "token": token.key})
        error = await receive_until(comm, "error")
        assert error["code"] == "database_unavailable"
        assert await receive_close(comm) == CLOSE_UNAVAILABLE == 4503


async def test_after_the_channel_layer_comes_back_the_client_gets_the_state_again(room):
    assembly, (alice, _bob), _poll = room
    comm = await connect_as(alice, assembly)
    # What alliance.layers.RedisChannelLayer sends once Redis is back.
    await get_channel_layer().group_send(assembly.group_name, {"type": "layer.restored"})
    state = await receive_until(comm, "assembly.state")
    assert state["assembly"] == assembly.pk
    await comm.disconnect()
