"""Tallies reach the screens of a process through one relay: one message on the channel layer
and one JSON encoding per tally, whatever the number of screens; the relay rejoins its group
after the layer fails."""

import asyncio
import json
import time
from types import SimpleNamespace

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from alliance.ws import TokenBucket
from assemblies import fanout
from tests.assemblies.factories import AssemblyFactory, cast, open_poll, seat
from tests.assemblies.live_helpers import drain, receive_until, relay_ended, watch

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def assembly():
    return AssemblyFactory()


async def test_one_relay_feeds_every_screen_with_one_message_and_one_encoding(
    assembly, monkeypatch
):
    delegates = await database_sync_to_async(seat)(assembly, 4)
    poll = await database_sync_to_async(open_poll)(assembly)
    layer = get_channel_layer()
    joined, left = [], []
    group_add, group_discard = layer.group_add, layer.group_discard

    async def add(group, channel):
        joined.append(group)
        await group_add(group, channel)

    async def discard(group, channel):
        left.append(group)
        await group_discard(group, channel)

    monkeypatch.setattr(layer, "group_add", add)
    monkeypatch.setattr(layer, "group_discard", discard)
    screens = [await watch(d, assembly) for d in delegates]
    assert fanout.relay_count() == 1
    assert joined.count(fanout.tally_group(assembly.pk)) == 1  # the relay, not 4 screens
    encoded = []

    def counting_dumps(value):
        encoded.append(value)
        return json.dumps(value)

    monkeypatch.setattr(fanout, "json", SimpleNamespace(dumps=counting_dumps))
    await database_sync_to_async(cast)(poll, delegates[0], "yes")
    for comm in screens:
        tally = await receive_until(comm, "tally")
        assert (tally["poll"], tally["seq"], tally["totals"]["yes"]) == (poll.pk, 1, "1.00")
    assert [t["seq"] for t in encoded] == [1]
    relay = fanout.relays_by_assembly.get()[assembly.pk]
    for comm in screens:
        await comm.disconnect()
    await relay_ended(relay, assembly.pk)
    assert fanout.relay_count() == 0
    assert left.count(fanout.tally_group(assembly.pk)) == 1


async def test_a_screen_that_left_is_not_written_to_and_the_others_still_are(assembly):
    alice, bob = await database_sync_to_async(seat)(assembly, 2)
    poll = await database_sync_to_async(open_poll)(assembly)
    leaving, staying = await watch(alice, assembly), await watch(bob, assembly)
    await leaving.disconnect()
    await database_sync_to_async(cast)(poll, bob, "no")
    assert (await receive_until(staying, "tally"))["seq"] == 1
    await staying.disconnect()


async def test_the_relay_joins_its_group_again_after_the_layer_failed(assembly, monkeypatch):
    alice, bob = await database_sync_to_async(seat)(assembly, 2)
    poll = await database_sync_to_async(open_poll)(assembly)
    monkeypatch.setattr(fanout, "RETRY_AFTER", 0.05)
    layer = get_channel_layer()
    failures = []

    class FailingOnce:  # the relay's view of the layer; the consumers keep the real one
        def __getattr__(self, name):
            return getattr(layer, name)

        async def receive(self, channel):
            if not failures:
                failures.append(channel)
                layer.groups.pop(fanout.tally_group(assembly.pk), None)  # Redis restarted
                raise ConnectionError("redis is gone")
            return await layer.receive(channel)

    monkeypatch.setattr(fanout, "get_channel_layer", FailingOnce)
    comm = await watch(alice, assembly)
    await asyncio.sleep(0.2)  # failed once, waited, joined again
    assert failures
    await database_sync_to_async(cast)(poll, bob, "yes")
    assert (await receive_until(comm, "tally"))["seq"] == 1
    await comm.disconnect()


async def test_a_screen_never_sees_a_polls_seq_go_down(assembly):
    (alice,) = await database_sync_to_async(seat)(assembly, 1)
    poll = await database_sync_to_async(open_poll)(assembly)
    comm = await watch(alice, assembly)
    group = fanout.tally_group(assembly.pk)
    base = {"type": "tally", "poll": poll.pk, "weight_cast": "0.00", "totals": {}}
    for seq in (2, 1, 2, 4, 3):
        await get_channel_layer().group_send(group, {**base, "seq": seq, "ballots": seq})
    received = [m["seq"] for m in await drain(comm, quiet=0.3) if m["type"] == "tally"]
    assert received == [2, 4]
    await comm.disconnect()


async def test_the_last_screen_leaving_ends_the_relay_at_once(assembly):
    """The relay ends on a stop message rather than a cancel, which redis-py may hold for the
    5 s of a blocking read (docs/LIVE_PROTOCOL.md); on both layers it ends at once."""
    (alice,) = await database_sync_to_async(seat)(assembly, 1)
    comm = await watch(alice, assembly)
    relay = fanout.relays_by_assembly.get()[assembly.pk]
    await comm.disconnect()
    await asyncio.wait_for(relay.task, 1)
    assert not relay.task.cancelled()  # it returned: stopped by its message, not cancelled
    assert fanout.relay_count() == 0


class RecordingScreen:
    """A screen whose every frame takes `cost` seconds to write."""

    def __init__(self, cost: float = 0.0):
        self.cost = cost
        self.last_tally: dict[int, dict] = {}
        self.received: list[tuple[float, dict]] = []

    async def send_frame(self, text):
        time.sleep(self.cost)  # the event loop's own time, as a real write
        self.received.append((asyncio.get_running_loop().time(), json.loads(text)))


def test_the_budget_saves_up_one_second_and_an_overdraft_is_waited_out():
    now = [0.0]
    budget = TokenBucket(capacity=0.25 * fanout.BURST, period=fanout.BURST, clock=lambda: now[0])
    assert budget.wait() == 0  # starts with a second's worth: a quiet room is written at once
    budget.spend(0.35)  # a whole tally, even beyond the budget
    assert budget.wait() == pytest.approx(0.4)  # 0.1 s overdrawn, 0.25 s earned a second
    now[0] = 0.4
    assert budget.wait() == 0
    now[0] = 60.0  # a long quiet spell saves up one second's worth, not sixty
    budget.spend(0.25)
    assert budget.wait() == 0
    budget.spend(0.025)
    assert budget.wait() == pytest.approx(0.1)


async def test_a_relay_over_its_budget_waits_and_then_writes_the_newest_tally_of_each_poll(
    settings, monkeypatch
):
    settings.LIVE_TALLY_WRITE_SHARE = 0.2
    monkeypatch.setattr(fanout, "BURST", 0.1)  # 0.02 s of writing saved up, 0.2 s earned a second
    relay = fanout.Relay(assembly_id=0)
    screens = [RecordingScreen(cost=0.02), RecordingScreen(cost=0.02)]
    relay.screens.update(screens)
    relay.take({"type": "tally", "poll": 1, "seq": 1})  # 0.04 s: overdraws by 0.02 s
    await asyncio.sleep(0.01)
    assert [[t["seq"] for _at, t in s.received] for s in screens] == [[1], [1]]  # at once
    for poll, seq in [(1, 3), (1, 4), (2, 1), (1, 2)]:  # while it waits, out of order
        relay.take({"type": "tally", "poll": poll, "seq": seq})
    await asyncio.wait_for(relay.writer, 2)
    for screen in screens:
        assert [(t["poll"], t["seq"]) for _at, t in screen.received] == [(1, 1), (1, 4), (2, 1)]
    # the debt (0.02 s at 0.2 s a second) waited out between the end of one write and the next
    first_ended = max(s.received[0][0] for s in screens)
    assert min(s.received[1][0] for s in screens) - first_ended >= 0.09
    relay.take({"type": "tally", "poll": 1, "seq": 4})  # not newer: written to nobody
    await asyncio.wait_for(relay.writer, 2)
    assert all(len(s.received) == 3 for s in screens)


async def test_the_relays_of_a_process_share_its_budget(settings, monkeypatch):
    settings.LIVE_TALLY_WRITE_SHARE = 0.2
    monkeypatch.setattr(fanout, "BURST", 0.1)
    busy, quiet = fanout.Relay(assembly_id=1), fanout.Relay(assembly_id=2)
    busy_screen, quiet_screen = RecordingScreen(cost=0.1), RecordingScreen()
    busy.screens.add(busy_screen)
    quiet.screens.add(quiet_screen)
    busy.take({"type": "tally", "poll": 1, "seq": 1})  # 0.1 s: 0.08 s overdrawn
    await asyncio.sleep(0.01)
    quiet.take({"type": "tally", "poll": 2, "seq": 1})
    await asyncio.sleep(0.05)
    assert quiet_screen.received == []  # waiting out the other room's writing (0.4 s)
    await asyncio.wait_for(quiet.writer, 2)
    assert len(quiet_screen.received) == 1


async def test_a_relay_whose_stop_message_is_lost_is_cancelled_after_a_grace(monkeypatch):
    monkeypatch.setattr(fanout, "STOP_GRACE", 0.3)
    layer = get_channel_layer()
    send = layer.send

    async def losing_stops(channel, message):
        if message.get("type") != fanout.STOP:
            await send(channel, message)

    monkeypatch.setattr(layer, "send", losing_stops)
    relay = fanout.Relay(assembly_id=0)
    relay.start()
    await asyncio.wait_for(relay.joined.wait(), 2)
    await relay.stop()
    await asyncio.sleep(0.1)
    assert not relay.task.done()  # its stop message was lost, and no tally came
    await asyncio.wait({relay.task}, timeout=7)  # redis-py may hold a cancelled read 5 s
    assert relay.task.cancelled()
