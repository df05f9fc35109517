"""A person's open sockets close within a second when their right to be connected ends:
sign-out, new API token, new password (changed or reset), account deactivated, delegate role
withdrawn. Another person's socket stays open. A new password also replaces the API token."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from alliance.asgi import application
from alliance.ws import CLOSE_SESSION_REVOKED
from tests.assemblies.factories import AssemblyFactory
from tests.assemblies.live_helpers import communicator, receive_until, site_headers
from tests.deliberation.factories import a_thread
from tests.factories import TEST_PASSWORD, DelegateFactory

pytestmark = pytest.mark.django_db(transaction=True)
NEW_PASSWORD = "un-nouveau-mot-de-passe-42"
WITHIN = 1.0  # seconds


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cookie_of(client: Client) -> str:
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def assembly_socket(assembly, client: Client):
    comm = communicator(assembly.pk, cookie=cookie_of(client))
    assert (await comm.connect())[0]
    await receive_until(comm, "assembly.state")
    return comm


async def token_socket(assembly, key: str):
    comm = communicator(assembly.pk)
    assert (await comm.connect())[0]
    await comm.send_json_to({"type": "auth", "token": key})
    await receive_until(comm, "assembly.state")
    return comm


async def thread_socket(thread, client: Client):
    headers = [*site_headers(), (b"cookie", cookie_of(client).encode())]
    comm = WebsocketCommunicator(application, f"/ws/threads/{thread.pk}/", headers=headers)
    assert (await comm.connect())[0]
    return comm


async def closed_with(comm, timeout: float = WITHIN):
    """(error code sent just before, close code) if the server closes within `timeout`."""
    error = None
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        output = await comm.receive_output(timeout=max(left, 0.01))
        if output["type"] == "websocket.close":
            return error, output.get("code", 1000)
        if output["type"] == "websocket.send" and '"session_revoked"' in output.get("text", ""):
            error = "session_revoked"


@pytest.fixture
def people():
    return DelegateFactory(), DelegateFactory()


@pytest.fixture
def rooms():
    return AssemblyFactory(), a_thread("En direct")


def _logout(person, client):
    client.post(reverse("frontend:logout"))


def _token_regenerate(person, client):
    client.post(reverse("frontend:token_regenerate"))


def _password_change(person, client):
    response = client.post(
        reverse("frontend:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302, response.content[:500]


def _password_reset(person, client):
    anonymous = Client()
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    link = reverse(
        "frontend:password_reset_confirm",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(person)},
    )
    form = anonymous.get(link)
    assert form.status_code == 302  # to the set-password address, token in the session
    response = anonymous.post(
        form["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302, response.content[:500]


def _deactivate(person, client):
    person.is_active = False
    person.save()  # as the admin's form does


def _withdraw_delegate_role(person, client):
    person.is_delegate = False
    person.save()


TRIGGERS = {
    "logout": _logout,
    "token_regenerated": _token_regenerate,
    "password_changed": _password_change,
    "password_reset": _password_reset,
    "deactivated": _deactivate,
    "delegate_role_withdrawn": _withdraw_delegate_role,
}


@pytest.mark.parametrize("trigger", TRIGGERS)
async def test_every_open_socket_of_the_person_closes_within_a_second(trigger, people, rooms):
    person, other = people
    assembly, thread = rooms
    client = await database_sync_to_async(signed_in)(person)
    other_client = await database_sync_to_async(signed_in)(other)
    key = (await database_sync_to_async(Token.objects.create)(user=person)).key
    mine = [
        await assembly_socket(assembly, client),
        await token_socket(assembly, key),
        await thread_socket(thread, client),
    ]
    theirs = [
        await assembly_socket(assembly, other_client),
        await thread_socket(thread, other_client),
    ]

    await database_sync_to_async(TRIGGERS[trigger])(person, client)

    for comm in mine:
        assert await closed_with(comm) == ("session_revoked", CLOSE_SESSION_REVOKED)
    for comm in theirs:
        assert await comm.receive_nothing(timeout=0.2)
        await comm.send_json_to({"type": "ping"})
        assert (await comm.receive_json_from(timeout=1))["type"] == "pong"
        await comm.disconnect()


@pytest.mark.parametrize("trigger", ["password_changed", "password_reset"])
async def test_a_new_password_replaces_the_api_token(trigger, people, rooms):
    person, _other = people
    assembly, _thread = rooms
    client = await database_sync_to_async(signed_in)(person)
    old = (await database_sync_to_async(Token.objects.create)(user=person)).key
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    me = reverse("api-me")
    assert (await database_sync_to_async(api.get)(me)).status_code == 200

    await database_sync_to_async(TRIGGERS[trigger])(person, client)

    assert (await database_sync_to_async(api.get)(me)).status_code == 401
    new = await database_sync_to_async(lambda: Token.objects.get(user=person).key)()
    assert new != old
    api.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert (await database_sync_to_async(api.get)(me)).status_code == 200
    # A socket opening with the old token is refused.
    comm = communicator(assembly.pk)
    assert (await comm.connect())[0]
    await comm.send_json_to({"type": "auth", "token": old})
    assert (await closed_with(comm))[1] == 4401


async def test_a_socket_opened_on_an_ended_session_is_not_signed_in(people, rooms):
    person, _other = people
    assembly, thread = rooms
    client = await database_sync_to_async(signed_in)(person)
    cookie = cookie_of(client)
    await database_sync_to_async(_logout)(person, client)
    comm = communicator(assembly.pk, cookie=cookie)
    assert (await comm.connect())[0]  # accepted as anonymous, to send a token ...
    await comm.send_json_to({"type": "sync"})
    assert (await closed_with(comm))[1] == 4401  # ... not signed in by the ended session
    headers = [*site_headers(), (b"cookie", cookie.encode())]
    thread_comm = WebsocketCommunicator(application, f"/ws/threads/{thread.pk}/", headers=headers)
    connected, code = await thread_comm.connect()
    assert not connected and code == 4403
