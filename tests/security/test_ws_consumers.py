"""Every WebSocket consumer through the bad-input checks of ws_bad_input.py: each bad message
gets an error or a documented close, and another client of the same channel is unaffected."""

from functools import partial, update_wrapper

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from alliance.routing import websocket_urlpatterns
from deliberation.services import thread_for
from tests.assemblies.factories import AssemblyFactory
from tests.factories import AdminFactory, OrganisationFactory
from tests.security import ws_bad_input

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [
    ws_bad_input.check_malformed_json,
    ws_bad_input.check_unknown_type,
    ws_bad_input.check_oversized_frame,
    ws_bad_input.check_flood,
]


async def _connected(path: str, user):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    connected, _code = await communicator.connect()
    assert connected
    return communicator


async def _first_message(communicator) -> None:
    """The assembly channel greets with its state: read it before the checks."""
    await communicator.receive_json_from(timeout=3)


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_the_debate_thread_channel_answers_bad_input(check):
    path, reader = f"/ws/threads/{thread_for(OrganisationFactory()).pk}/", AdminFactory()

    async def scenario():
        victim, bystander = await _connected(path, reader), await _connected(path, reader)
        await check(victim)
        await ws_bad_input.assert_other_client_unaffected(bystander, {"type": "ping"}, "pong")
        await victim.disconnect()
        await bystander.disconnect()

    ws_bad_input.run_in_own_loop(scenario)


def _with_codes(check, codes):
    return update_wrapper(partial(check, codes=frozenset(codes)), check)


# The live vote channel's documented codes (docs/LIVE_PROTOCOL.md) tell bad JSON apart from a
# well-formed message of the wrong shape.
ASSEMBLY_CHECKS = [
    _with_codes(ws_bad_input.check_malformed_json, {"invalid_json", "invalid_message"}),
    _with_codes(ws_bad_input.check_unknown_type, {"unknown_type", "invalid_message"}),
    ws_bad_input.check_oversized_frame,
    ws_bad_input.check_flood,
]


@pytest.mark.parametrize("check", ASSEMBLY_CHECKS, ids=lambda check: check.__name__)
def test_the_assembly_live_channel_answers_bad_input(check):
    path, reader = f"/ws/assemblies/{AssemblyFactory().pk}/", AdminFactory()

    async def scenario():
        victim, bystander = await _connected(path, reader), await _connected(path, reader)
        await _first_message(victim)
        await _first_message(bystander)
        await check(victim)
        await ws_bad_input.assert_other_client_unaffected(bystander, {"type": "ping"}, "pong")
        await victim.disconnect()
        await bystander.disconnect()

    ws_bad_input.run_in_own_loop(scenario)
