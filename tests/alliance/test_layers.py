import asyncio

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer

from alliance.layers import InMemoryChannelLayer


def test_a_broadcast_does_not_scan_every_member_once_per_receiver(monkeypatch):
    scans = []
    original = ChannelsInMemoryChannelLayer._clean_expired
    monkeypatch.setattr(
        ChannelsInMemoryChannelLayer,
        "_clean_expired",
        lambda self: scans.append(1) or original(self),
    )

    async def broadcast_to(receivers: int) -> list:
        layer = InMemoryChannelLayer()
        channels = [await layer.new_channel() for _ in range(receivers)]
        for channel in channels:
            await layer.group_add("assembly-1", channel)
        await layer.group_send("assembly-1", {"type": "tally", "seq": 1})
        return [await layer.receive(channel) for channel in channels]

    received = asyncio.run(broadcast_to(500))
    assert [m["seq"] for m in received] == [1] * 500  # every member got the tally
    assert len(scans) <= 2  # not one scan of 500 entries per receiver


def test_expired_messages_are_still_dropped():
    async def scenario():
        layer = InMemoryChannelLayer(expiry=0)
        layer.CLEAN_INTERVAL = 0
        channel = await layer.new_channel()
        await layer.group_add("g", channel)
        await layer.send(channel, {"type": "old"})
        await asyncio.sleep(0.01)
        layer._clean_expired()
        return channel in layer.channels, channel in layer.groups.get("g", {})

    assert asyncio.run(scenario()) == (False, False)
