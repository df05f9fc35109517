"""Helpers for the live-channel tests: open sockets on the real ASGI application (origin check,
session middleware, routing) and read their messages."""

import asyncio
import json

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from alliance.asgi import application

ORIGIN = b"http://testserver"
HOST = b"testserver"  # the Host of the site the test client reaches: ORIGIN is its own origin


def site_headers(origin=ORIGIN, host=HOST) -> list[tuple[bytes, bytes]]:
    """The Origin and Host headers a browser on the site sends with its handshake."""
    return [(name, value) for name, value in ((b"origin", origin), (b"host", host)) if value]


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def communicator(assembly_id, *, cookie=None, origin=ORIGIN, host=HOST, language=None):
    headers = site_headers(origin, host)
    if cookie is not None:
        headers.append((b"cookie", cookie.encode()))
    if language is not None:
        headers.append((b"accept-language", language.encode()))
    return WebsocketCommunicator(application, f"/ws/assemblies/{assembly_id}/", headers=headers)


async def watch(user, assembly):
    """A screen signed in as `user`, connected and past its `assembly.state`."""
    from channels.db import database_sync_to_async

    comm = communicator(assembly.pk, cookie=await database_sync_to_async(session_cookie)(user))
    assert (await comm.connect())[0]
    await receive_until(comm, "assembly.state")
    return comm


async def receive_until(comm, kind: str, timeout: float = 3.0) -> dict:
    """The next message of type `kind`, skipping others."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        message = await comm.receive_json_from(timeout=max(left, 0.01))
        if message["type"] == kind:
            return message


async def drain(comm, quiet: float = 0.5) -> list[dict]:
    """Every message until none came for `quiet` seconds (a timeout on `receive_output` would
    cancel the application, `receive_nothing` does not)."""
    messages = []
    while not await comm.receive_nothing(timeout=quiet):
        messages.append(await comm.receive_json_from())
    return messages


async def receive_close(comm, timeout: float = 3.0) -> int:
    """Skip messages until the server closes; return the close code."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        output = await comm.receive_output(timeout=max(left, 0.01))
        if output["type"] == "websocket.close":
            return output.get("code", 1000)


def dumps(message: dict) -> str:
    return json.dumps(message)


async def relay_ended(relay, assembly_id) -> None:
    """Until the tally relay `relay` has ended. On Redis its stop message can be held up, or
    lost, by a disconnected screen's cancelled read (assemblies/fanout.py): the next message to
    its group ends it then."""
    from channels.layers import get_channel_layer

    from assemblies import fanout

    try:
        await asyncio.wait_for(asyncio.shield(relay.task), 6)
    except TimeoutError:
        group = fanout.tally_group(assembly_id)
        await get_channel_layer().group_send(group, {"type": "relay.wake"})
        await asyncio.wait_for(relay.task, 6)
