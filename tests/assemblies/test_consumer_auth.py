"""Who may open the live channel: a session, or an API token sent first within the timeout."""

import pytest
from channels.db import database_sync_to_async
from rest_framework.authtoken.models import Token

from assemblies.consumers import CLOSE_NOT_AUTHENTICATED, CLOSE_NOT_FOUND
from tests.assemblies.factories import AssemblyFactory, open_poll, seat
from tests.assemblies.live_helpers import (
    communicator,
    receive_close,
    receive_until,
    session_cookie,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def short_auth_timeout(settings):
    settings.LIVE_AUTH_TIMEOUT = 0.3


@pytest.fixture
def assembly():
    return AssemblyFactory()


async def test_a_session_gets_the_state_at_once_with_the_entitled_count(assembly, member):
    delegates = await database_sync_to_async(seat)(assembly, 3)
    poll = await database_sync_to_async(open_poll)(assembly)
    comm = communicator(assembly.pk, cookie=await database_sync_to_async(session_cookie)(member))
    connected, _ = await comm.connect()
    assert connected
    state = await comm.receive_json_from()
    assert state["type"] == "assembly.state"
    assert state["assembly"] == assembly.pk
    assert state["attendance"]["present"] == len(delegates)
    assert state["attendance"]["quorum_reached"] is True
    (listed,) = state["polls"]
    assert listed["id"] == poll.pk
    assert listed["entitled"] == len(delegates)  # as `poll.opened` gave it: the projector's x / N
    assert listed["tally"] == {
        "type": "tally",
        "poll": poll.pk,
        "seq": 0,
        "ballots": 0,
        "weight_cast": "0.00",
        "hidden": False,
        "totals": {"yes": "0.00", "no": "0.00", "abstain": "0.00"},
    }
    await comm.disconnect()


async def test_an_anonymous_connection_without_token_is_closed_after_the_timeout(assembly):
    comm = communicator(assembly.pk)
    connected, _ = await comm.connect()
    assert connected  # accepted, so that it may still send its token
    error = await comm.receive_json_from(timeout=2)
    assert error["type"] == "error" and error["code"] == "not_authenticated"
    assert await receive_close(comm) == CLOSE_NOT_AUTHENTICATED


async def test_an_anonymous_connection_cannot_vote_or_sync(assembly):
    comm = communicator(assembly.pk)
    await comm.connect()
    await comm.send_json_to({"type": "sync"})
    assert (await comm.receive_json_from())["code"] == "not_authenticated"
    assert await receive_close(comm) == CLOSE_NOT_AUTHENTICATED


async def test_a_bad_origin_is_refused(assembly, member):
    cookie = await database_sync_to_async(session_cookie)(member)
    comm = communicator(assembly.pk, cookie=cookie, origin=b"http://evil.example.org")
    connected, _ = await comm.connect()
    assert not connected


async def test_a_missing_origin_is_refused(assembly, member):
    cookie = await database_sync_to_async(session_cookie)(member)
    connected, _ = await communicator(assembly.pk, cookie=cookie, origin=None).connect()
    assert not connected


async def test_a_token_sent_first_authenticates(assembly, member):
    token = await database_sync_to_async(Token.objects.create)(user=member)
    comm = communicator(assembly.pk)
    await comm.connect()
    await comm.send_json_to({"type": "auth", "token": token.key})
    state = await comm.receive_json_from()
    assert state["type"] == "assembly.state"
    await comm.send_json_to({"type": "ping", "request_id": "p"})
    assert await comm.receive_json_from() == {"type": "pong", "request_id": "p"}
    await comm.disconnect()


@pytest.mark.parametrize("token", ["not-a-token", "x" * 40])
async def test_a_bad_token_closes(assembly, token):
    comm = communicator(assembly.pk)
    await comm.connect()
    await comm.send_json_to({"type": "auth", "token": token})
    error = await comm.receive_json_from()
    assert error["code"] == "not_authenticated"
    assert await receive_close(comm) == CLOSE_NOT_AUTHENTICATED


async def test_the_token_of_a_deactivated_person_closes(assembly, member):
    token = await database_sync_to_async(Token.objects.create)(user=member)
    member.is_active = False
    await database_sync_to_async(member.save)()
    comm = communicator(assembly.pk)
    await comm.connect()
    await comm.send_json_to({"type": "auth", "token": token.key})
    assert await receive_close(comm) == CLOSE_NOT_AUTHENTICATED


async def test_a_second_auth_is_an_error_and_the_connection_stays(assembly, member):
    cookie = await database_sync_to_async(session_cookie)(member)
    comm = communicator(assembly.pk, cookie=cookie)
    await comm.connect()
    await receive_until(comm, "assembly.state")
    await comm.send_json_to({"type": "auth", "token": "whatever", "request_id": "a"})
    error = await comm.receive_json_from()
    assert (error["code"], error["request_id"]) == ("already_authenticated", "a")
    await comm.send_json_to({"type": "ping"})
    assert (await comm.receive_json_from())["type"] == "pong"
    await comm.disconnect()


async def test_an_unknown_assembly_closes_with_its_code(member):
    cookie = await database_sync_to_async(session_cookie)(member)
    comm = communicator(999_999, cookie=cookie)
    connected, _ = await comm.connect()
    assert connected
    assert (await comm.receive_json_from())["code"] == "assembly_not_found"
    assert await receive_close(comm) == CLOSE_NOT_FOUND


async def test_errors_speak_the_language_of_the_page(assembly, member):
    cookie = await database_sync_to_async(session_cookie)(member)
    comm = communicator(assembly.pk, cookie=cookie, language="en")
    await comm.connect()
    await receive_until(comm, "assembly.state")
    await comm.send_to(text_data="{")
    error = await comm.receive_json_from()
    assert error["code"] == "invalid_json"
    assert error["message"] == "The message is not valid JSON."
    await comm.disconnect()
