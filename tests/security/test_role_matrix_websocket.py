"""Every role against every WebSocket message of every channel, as `role_matrix.py` declares
(see `test_role_matrix.py` for the API and the pages).

The consumers read the database from worker threads, so this test commits its world (a
transactional test, in its own module so that no open transaction of the other module's world
locks SQLite); each vote gets a poll opened afresh instead of a rollback.
"""

from __future__ import annotations

import json
import sys

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework.authtoken.models import Token

from alliance.asgi import application
from alliance.routing import websocket_urlpatterns
from assemblies import services as assemblies_services
from assemblies.consumers import AssemblyConsumer
from deliberation.consumers import ThreadConsumer
from tests.assemblies.live_helpers import session_cookie, site_headers
from tests.security.role_matrix import WEBSOCKET, WS_CLOSES, WS_REFUSALS
from tests.security.roles_world import ROLES, SECRETARIAT, build
from tests.security.test_role_matrix import expected, verdict

# --- WebSocket ------------------------------------------------------------------------------

CONSUMERS = {"assemblies": AssemblyConsumer, "threads": ThreadConsumer}


def websocket_channels() -> dict[str, type]:
    """Channel name ("assemblies", "threads") -> consumer class, from alliance.routing."""
    found = {}
    for pattern in websocket_urlpatterns:
        channel = str(pattern.pattern).split("/")[1]
        found[channel] = pattern.callback.consumer_class
    return found


def test_every_websocket_message_type_has_a_line_in_the_matrix():
    channels = websocket_channels()
    assert channels == CONSUMERS
    actions = {
        f"{channel} {kind}"
        for channel, consumer in channels.items()
        for kind in ("connect", *sys.modules[consumer.__module__].MESSAGE_TYPES)
    }
    assert sorted(actions - WEBSOCKET.keys()) == [], "message types with no line in WEBSOCKET"
    assert sorted(WEBSOCKET.keys() - actions) == [], "lines of WEBSOCKET with no message type"


async def _reply(comm) -> tuple[str, object]:
    """("message", the JSON message) or ("close", its code); ("silence", None) if none."""
    try:
        output = await comm.receive_output(timeout=3)
    except TimeoutError:
        return "silence", None
    if output["type"] == "websocket.close":
        return "close", output.get("code", 1000)
    return "message", json.loads(output["text"])


async def _answer(comm, wanted: set[str]) -> str:
    """Read until a reply of a type in `wanted`, an error or a close: 'allowed' or 'denied'."""
    while True:
        kind, value = await _reply(comm)
        if kind == "close":
            return "denied" if value in WS_CLOSES else f"closed with {value}"
        if kind == "silence":
            return "no answer"
        if value["type"] == "error":
            return "denied" if value["code"] in WS_REFUSALS else "allowed"
        if value["type"] in wanted:
            return "allowed"


async def websocket_check(action, world, role, credentials) -> str:
    channel, kind = action.split(" ")
    target = world.assembly if channel == "assemblies" else world.thread
    headers = site_headers()
    session, token = credentials.get(role, (None, "not-a-token"))
    if session and kind != "auth":
        headers.append((b"cookie", session.encode()))
    comm = WebsocketCommunicator(application, f"/ws/{channel}/{target.pk}/", headers=headers)
    connected, close_code = await comm.connect()
    try:
        if not connected:
            return "denied" if close_code in WS_CLOSES else f"refused with {close_code}"
        if channel == "assemblies" and session and kind != "auth":
            state = await _answer(comm, {"assembly.state"})
            if kind == "connect" or state != "allowed":
                return state
        elif kind == "connect":
            if channel == "assemblies":  # no session: refused once the auth deadline passes
                return await _answer(comm, {"assembly.state"})
            await comm.send_json_to({"type": "ping"})
            return await _answer(comm, {"pong"})
        message = {
            "auth": {"type": "auth", "token": token},
            "ping": {"type": "ping"},
            "sync": {"type": "sync", "since": 0} if channel == "threads" else {"type": "sync"},
            "vote": {
                "type": "vote",
                "poll": world.extra.get("live_poll", world.open_poll).pk,
                "organisation": world.cae.pk,
                "choice": "yes",
            },
        }[kind]
        await comm.send_json_to(message)
        wanted = {"auth": {"assembly.state"}, "ping": {"pong"}, "vote": {"vote.ack"}}.get(
            kind, {"assembly.state", "synced"}
        )
        return await _answer(comm, wanted)
    finally:
        await comm.disconnect()


@pytest.fixture
def live_settings(settings):
    """A short auth deadline; the synthesis recomputed at once, not in a timer thread that
    would outlive this transactional test's data."""
    settings.LIVE_AUTH_TIMEOUT = 0.3
    settings.SYNTHESIS_RECOMPUTE_DELAY = 0


@pytest.mark.django_db(transaction=True)
async def test_every_websocket_message_as_every_role(live_settings):
    world = await database_sync_to_async(build)()
    credentials = await database_sync_to_async(_credentials)(world)
    failures = []
    for action in sorted(WEBSOCKET):
        line = WEBSOCKET[action]
        for role in ROLES:
            if action.endswith(" vote"):
                world.extra["live_poll"] = await database_sync_to_async(_fresh_poll)(world)
            got = await websocket_check(action, world, role, credentials)
            done = line.done and await database_sync_to_async(line.done)(world)
            failure = verdict(action, role, got, expected(line, role), line, world, done=done)
            if failure:
                failures.append(failure)
    assert failures == [], "\n".join(failures)


def _credentials(world) -> dict:
    """Role -> (session cookie header, API token)."""
    found = {}
    for role in ROLES:
        person = world.person(role)
        if person is not None:
            token = Token.objects.get_or_create(user=person)[0].key
            found[role] = (session_cookie(person), token)
    return found


def _fresh_poll(world):
    secretariat = world.person(SECRETARIAT)
    poll = assemblies_services.poll_create(
        actor=secretariat,
        assembly=world.assembly,
        title="Motion de la matrice",
        method="motion",
        threshold="simple",
    )
    return assemblies_services.poll_open(actor=secretariat, poll=poll)
