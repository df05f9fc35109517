"""alliance.layers.RedisChannelLayer rides out a Redis outage: receive waits instead of
raising, a membership taken while Redis is away is kept, and when Redis comes back (or is a new,
empty server) every membership is restored and the channels that asked are told. On the real
Redis of the PostgreSQL pass; the real outage is tests/faults/test_redis_outage.py."""

import asyncio
import os
import socket
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from channels_redis.core import RedisChannelLayer as BaseRedisChannelLayer
from redis import exceptions as redis_exceptions

from alliance import events
from alliance.layers import RedisChannelLayer
from tests.conftest import free_port

pytestmark = pytest.mark.postgres  # needs Redis (REDIS_URL)


def layer_on(url: str) -> RedisChannelLayer:
    return RedisChannelLayer(hosts=[url], prefix=f"layer-test-{os.getpid()}")


@pytest.fixture
async def layer():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("the PostgreSQL pass sets REDIS_URL")
    created = layer_on(url)
    yield created
    await created.flush()
    await created.close_pools()


async def test_receive_waits_for_redis_instead_of_raising(layer):
    channel = await layer.new_channel()
    real_receive = BaseRedisChannelLayer.receive
    calls = []

    async def flaky(self, name):
        calls.append(name)
        if len(calls) == 1:
            raise ConnectionError("Redis went away")
        return await real_receive(self, name)

    with mock.patch.object(BaseRedisChannelLayer, "receive", flaky):
        receiving = asyncio.ensure_future(layer.receive(channel))
        await layer.send(channel, {"type": "hello"})
        assert await asyncio.wait_for(receiving, 5) == {"type": "hello"}
    assert len(calls) == 2


async def test_a_cancel_that_redis_turned_into_an_error_ends_the_receive(layer):
    """redis-py 8 can turn a cancel landing in a blocking read into its own TimeoutError: the
    receive must end there, not retry (a task that never ends keeps its event loop open)."""
    channel = await layer.new_channel()
    calls = []

    async def cancel_becomes_timeout(self, name):
        calls.append(name)
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            raise redis_exceptions.TimeoutError("Timeout reading from 127.0.0.1:6379") from None

    with mock.patch.object(BaseRedisChannelLayer, "receive", cancel_becomes_timeout):
        receiving = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(0.05)
        receiving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(receiving, 2)
    assert len(calls) == 1


async def test_without_redis_memberships_are_kept():
    unreachable = layer_on(f"redis://127.0.0.1:{free_port()}/0")
    channel = await unreachable.new_channel()
    await unreachable.group_add("assembly-1", channel)  # does not raise
    assert unreachable.memberships == {channel: {"assembly-1"}}
    await unreachable.check()
    assert unreachable.reachable is False
    await unreachable.group_discard("assembly-1", channel)  # does not raise either
    assert unreachable.memberships == {}
    for task in unreachable.watchdogs.values():
        task.cancel()


async def test_a_new_empty_redis_gets_the_memberships_back_and_the_channels_are_told(layer):
    channel = await layer.new_channel()
    await layer.group_add("assembly-1", channel)
    layer.notify_on_restore(channel)
    await layer.check()  # the first answer: remembered, nothing restored
    # Redis restarted without persistence: every group is gone, and its run_id is new.
    await layer.flush()
    layer.server_id = "the-server-before-the-restart"
    await layer.check()
    assert await asyncio.wait_for(layer.receive(channel), 5) == {"type": "layer.restored"}
    await layer.group_send("assembly-1", {"type": "tally", "seq": 1})
    assert await asyncio.wait_for(layer.receive(channel), 5) == {"type": "tally", "seq": 1}
    await layer.group_discard("assembly-1", channel)


@pytest.fixture
def silent_redis():
    """A server that accepts connections and never answers (a hung Redis, a lost network)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()


def test_sending_to_a_hung_redis_gives_up_and_never_raises_into_the_write(silent_redis):
    hung = layer_on(silent_redis)
    hung.TIMEOUT = 0.2
    with pytest.raises(TimeoutError):
        async_to_sync(hung.group_send)("assembly-1", {"type": "tally"})
    # What every service's event goes through (alliance.events.send_event_on_commit).
    with mock.patch("alliance.events.get_channel_layer", return_value=hung):
        events.group_send_now("assembly-1", {"type": "attendance"})  # returns, does not raise


async def test_a_join_redis_did_not_confirm_in_time_is_retried_until_it_is(layer):
    channel = await layer.new_channel()
    real_group_add = BaseRedisChannelLayer.group_add
    calls = []

    async def slow_once(self, group, name):
        calls.append(name)
        if len(calls) == 1:
            raise TimeoutError("Redis answered too late")
        return await real_group_add(self, group, name)

    with mock.patch.object(BaseRedisChannelLayer, "group_add", slow_once):
        await layer.group_add("assembly-1", channel)  # does not raise
        assert layer.unconfirmed == {("assembly-1", channel)}
        for task in layer.watchdogs.values():  # this test checks in its stead, one at a time
            task.cancel()
        await layer.check()  # Redis answers: the join is made again
        await layer.check()
    assert layer.unconfirmed == set() and len(calls) == 2
    await layer.group_send("assembly-1", {"type": "tally", "seq": 1})
    assert await asyncio.wait_for(layer.receive(channel), 5) == {"type": "tally", "seq": 1}
    await layer.group_discard("assembly-1", channel)
    for task in layer.watchdogs.values():
        task.cancel()
