import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from deliberation import services
from deliberation.routing import websocket_urlpatterns
from tests.deliberation.factories import a_thread
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def in_own_loop(coroutine):
    """Run a scenario in a fresh event loop on its own thread: the session's Playwright
    browser keeps a loop running on the main thread once a browser test has run."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=60)


@pytest.fixture
def thread():
    return a_thread("En direct")


async def connect(thread_id, user):
    communicator = WebsocketCommunicator(
        URLRouter(websocket_urlpatterns), f"/ws/threads/{thread_id}/"
    )
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


def test_anonymous_people_are_refused(thread):
    in_own_loop(_anonymous_people_are_refused(thread))


async def _anonymous_people_are_refused(thread):
    _communicator, connected, code = await connect(thread.pk, AnonymousUser())
    assert not connected and code == 4403


def test_a_missing_thread_is_refused(member):
    in_own_loop(_a_missing_thread_is_refused(member))


async def _a_missing_thread_is_refused(member):
    _communicator, connected, _code = await connect(999_999, member)
    assert not connected


def test_a_bad_origin_is_refused_by_the_application(thread, member):
    in_own_loop(_a_bad_origin_is_refused_by_the_application(thread, member))


async def _a_bad_origin_is_refused_by_the_application(thread, member):
    from alliance.asgi import application
    from tests.assemblies.live_helpers import site_headers

    headers = site_headers(origin=b"http://evil.example")
    communicator = WebsocketCommunicator(application, f"/ws/threads/{thread.pk}/", headers=headers)
    connected, _code = await communicator.connect()
    assert not connected


def test_a_new_comment_reaches_the_viewers_after_commit(thread, member):
    in_own_loop(_a_new_comment_reaches_the_viewers_after_commit(thread, member))


async def _a_new_comment_reaches_the_viewers_after_commit(thread, member):
    viewer = await sync_to_async(UserFactory)()
    communicator, connected, _ = await connect(thread.pk, viewer)
    assert connected
    comment = await sync_to_async(services.comment_create)(
        author=member, thread=thread, body="En *direct*"
    )
    message = await communicator.receive_json_from(timeout=3)
    assert message["type"] == "comment.created"
    assert message["comment"] == comment.pk
    assert "<em>direct</em>" in message["html"]["fr"]
    await sync_to_async(services.reaction_set)(person=viewer, comment=comment, kind="agree")
    reactions = await communicator.receive_json_from(timeout=3)
    assert reactions == {
        "type": "reactions",
        "thread": thread.pk,
        "comment": comment.pk,
        "counts": {"agree": 1, "disagree": 0, "pass": 0},
    }
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "malformed_message"),
        ("[1, 2]", "malformed_message"),
        ('{"type": "subscribe"}', "unknown_type"),
        ('{"type": "sync", "since": "yesterday"}', "invalid_since"),
        ('{"type": "sync", "since": 1, "at": "hier"}', "invalid_at"),
        ('{"type": "ping", "pad": "' + "x" * 70_000 + '"}', "message_too_large"),
    ],
)
def test_bad_messages_get_an_error_and_the_connection_stays(thread, member, raw, code):
    in_own_loop(_bad_messages_get_an_error_and_the_connection_stays(thread, member, raw, code))


async def _bad_messages_get_an_error_and_the_connection_stays(thread, member, raw, code):
    communicator, connected, _ = await connect(thread.pk, member)
    assert connected
    await communicator.send_to(text_data=raw)
    error = await communicator.receive_json_from(timeout=3)
    assert error["type"] == "error" and error["code"] == code and error["message"]
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=3) == {"type": "pong"}
    await communicator.disconnect()


def test_sync_sends_what_was_missed(thread, member):
    in_own_loop(_sync_sends_what_was_missed(thread, member))


async def _sync_sends_what_was_missed(thread, member):
    first = await sync_to_async(services.comment_create)(author=member, thread=thread, body="Un")
    communicator, _connected, _ = await connect(thread.pk, member)
    await communicator.send_json_to({"type": "sync", "since": 0})
    await communicator.receive_json_from(timeout=3)  # the first comment, created
    seen = await communicator.receive_json_from(timeout=3)
    assert seen["type"] == "synced"
    await communicator.disconnect()  # offline while things happen
    second = await sync_to_async(services.comment_create)(author=member, thread=thread, body="Deux")
    await sync_to_async(services.comment_edit)(editor=member, comment=first, body="Un, révisé")

    communicator, _connected, _ = await connect(thread.pk, member)
    await communicator.send_json_to({"type": "sync", "since": first.pk, "at": seen["at"]})
    created = await communicator.receive_json_from(timeout=3)
    assert (created["type"], created["comment"]) == ("comment.created", second.pk)
    edited = await communicator.receive_json_from(timeout=3)
    assert (edited["type"], edited["comment"]) == ("comment.edited", first.pk)
    assert "Un, révisé" in edited["html"]["fr"]
    synced = await communicator.receive_json_from(timeout=3)
    assert synced["type"] == "synced" and synced["last"] == second.pk
    assert synced["counts"][str(first.pk)] == {"agree": 0, "disagree": 0, "pass": 0}
    await communicator.disconnect()


def test_leaving_removes_the_connection_from_the_group(thread, member):
    in_own_loop(_leaving_removes_the_connection_from_the_group(thread, member))


async def _leaving_removes_the_connection_from_the_group(thread, member):
    communicator, _connected, _ = await connect(thread.pk, member)
    await communicator.disconnect()
    layer = get_channel_layer()
    await layer.group_send(f"thread-{thread.pk}", {"type": "reactions", "comment": 1})
    assert await communicator.receive_nothing(timeout=0.2)
    if hasattr(layer, "groups"):  # the in-memory layer exposes its groups
        assert not layer.groups.get(f"thread-{thread.pk}")


def test_binary_frames_are_read_as_json(thread, member):
    in_own_loop(_binary_frames_are_read_as_json(thread, member))


async def _binary_frames_are_read_as_json(thread, member):
    communicator, _connected, _ = await connect(thread.pk, member)
    await communicator.send_to(bytes_data=b'{"type": "ping"}')
    assert await communicator.receive_json_from(timeout=3) == {"type": "pong"}
    await communicator.disconnect()


def test_synthesis_events_are_relayed(thread, member):
    in_own_loop(_synthesis_events_are_relayed(thread, member))


async def _synthesis_events_are_relayed(thread, member):
    communicator, _connected, _ = await connect(thread.pk, member)
    layer = get_channel_layer()
    event = {"type": "synthesis.changed", "thread": thread.pk}
    await layer.group_send(f"thread-{thread.pk}", event)
    assert await communicator.receive_json_from(timeout=3) == event
    await communicator.disconnect()
