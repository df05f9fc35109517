"""Baseline: a bare Channels consumer on the project's channel layer (no auth, no database).

It joins one group; any message it receives is broadcast to the group as a tally, the way the
product's consumer relays tallies, minus everything else the product does.
"""

import itertools

from channels.generic.websocket import AsyncJsonWebsocketConsumer

GROUP = "bench-bare"
_seq = itertools.count(1)


class BareBroadcastConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()
        await self.send_json({"type": "assembly.state"})

    async def disconnect(self, code):
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def receive_json(self, content, **kwargs):
        await self.channel_layer.group_send(GROUP, {"type": "tally", "seq": next(_seq)})

    async def tally(self, event):
        await self.send_json({"type": "tally", "seq": event["seq"]})
