"""`DirectDispatch.send_frame` writes past Channels' session middleware, which only ever acts
on HTTP responses (alliance/ws.py); what the middleware does at connect is unchanged."""

import pytest
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.sessions import InstanceSessionWrapper, SessionMiddlewareStack
from channels.testing import WebsocketCommunicator

from alliance.ws import DirectDispatch

pytestmark = pytest.mark.django_db(transaction=True)


class Frames(DirectDispatch, AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.send_frame('{"type": "tally", "seq": 1}')
        await self.send(text_data='{"type": "other"}')


async def test_a_frame_is_written_past_the_session_middleware(monkeypatch):
    through_wrapper = []
    wrapped_send = InstanceSessionWrapper.send

    async def recording(self, message):
        through_wrapper.append(message["type"])
        await wrapped_send(self, message)

    monkeypatch.setattr(InstanceSessionWrapper, "send", recording)
    communicator = WebsocketCommunicator(SessionMiddlewareStack(Frames.as_asgi()), "/ws/")
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_from() == '{"type": "tally", "seq": 1}'
    assert await communicator.receive_from() == '{"type": "other"}'
    assert through_wrapper == ["websocket.accept", "websocket.send"]  # not the frame
    await communicator.disconnect()


async def test_without_the_session_middleware_a_frame_is_written_all_the_same():
    communicator = WebsocketCommunicator(Frames.as_asgi(), "/ws/")
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_from() == '{"type": "tally", "seq": 1}'
    await communicator.disconnect()
