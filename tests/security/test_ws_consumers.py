"""The WebSocket consumers on main through the bad-input checks of ws_bad_input.py."""

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from alliance.routing import websocket_urlpatterns
from deliberation.services import thread_for
from tests.factories import AdminFactory, OrganisationFactory
from tests.security import ws_bad_input

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "check",
    [
        ws_bad_input.check_malformed_json,
        ws_bad_input.check_unknown_type,
        ws_bad_input.check_oversized_frame,
    ],
    ids=lambda check: check.__name__,
)
def test_the_debate_thread_channel_answers_bad_input_and_keeps_the_connection(check):
    thread = thread_for(OrganisationFactory())
    reader = AdminFactory()

    async def scenario():
        communicator = WebsocketCommunicator(
            URLRouter(websocket_urlpatterns), f"/ws/threads/{thread.pk}/"
        )
        communicator.scope["user"] = reader
        connected, _code = await communicator.connect()
        assert connected
        await check(communicator)
        await ws_bad_input.assert_other_client_unaffected(communicator, {"type": "ping"}, "pong")
        await communicator.disconnect()

    ws_bad_input.run_in_own_loop(scenario)
