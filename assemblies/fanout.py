"""Tallies to every screen of this process, encoded once: no per-screen work on broadcast.

Through the channel layer, one tally for N screens is N queued messages, N consumer wake-ups
and N JSON encodings; at 2,000 screens a bare Channels consumer took 2.3 s to reach the last
one (docs/PERFORMANCE.md). Instead each process keeps, per assembly it has screens for, one
relay: the only member of the assembly's tally group in this process, so the layer carries
one copy per process (several daphne processes behind Redis each get theirs). The relay
encodes the tally once and writes the same text to each local screen.

A process spends at most `LIVE_TALLY_WRITE_SHARE` of its time writing tallies (a setting, a
quarter by default; see `write_budget`): a quiet room gets every tally at once, up to a
second's worth of writing saved up; a flood of votes spends it, then the relay waits for its
budget and keeps only the newest tally of each poll meanwhile (tallies are absolute, so nothing
is lost). The screens then get fewer tallies instead of the process spending its time writing
them and starving the votes (at 5,000 screens, 5 tallies a second were 25,000 frames and most
of the process's time: docs/PERFORMANCE.md). The time is measured, not the frames: a slower
machine, or two processes sharing a core, write fewer frames within the same share.

A screen still never sees a poll's `seq` go down: a tally not newer than the last one that
screen was sent (by a relay or in an `assembly.state`) is skipped for it.

If the layer fails (Redis stopped), the relay logs, waits and joins the group again (a
restarted Redis has forgotten its groups), so live tallies resume by themselves; the screens
that missed tallies meanwhile get the next one, which is absolute.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Protocol

from channels.layers import get_channel_layer
from django.conf import settings

from alliance.layers import cancel_requested
from alliance.per_loop import PerLoop
from alliance.ws import TokenBucket

logger = logging.getLogger(__name__)

RETRY_AFTER = 1.0  # seconds before a relay whose layer failed tries again
JOIN_TIMEOUT = 2.0  # a screen waits this long at most for its relay to join the group
STOP = "relay.stop"  # the message a relay ends on, sent to its own channel
STOP_GRACE = 10.0  # seconds a stopped relay has to end on a message before it is cancelled
BURST = 1.0  # seconds of budget a process may save up while its rooms are quiet


def tally_group(assembly_id: int) -> str:
    return f"assembly-{assembly_id}-tallies"


class Screen(Protocol):
    last_tally: dict[int, dict]

    async def send_frame(self, text: str) -> None: ...


class Relay:
    """The screens of one assembly in one event loop, and the task that feeds them."""

    def __init__(self, assembly_id: int):
        self.group = tally_group(assembly_id)
        self.screens: set[Screen] = set()
        self.task: asyncio.Task | None = None
        self.channel: str | None = None
        self.stopping = False  # set by `stop`: the next message, whatever it is, ends the relay
        self.joined = asyncio.Event()
        self.pending: dict[int, dict] = {}  # poll id: its newest tally not written yet
        self.writer: asyncio.Task | None = None  # writes `pending` out, within the budget

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self.run())

    async def run(self) -> None:
        layer = get_channel_layer()
        self.channel = channel = await layer.new_channel()
        while True:
            try:
                await layer.group_add(self.group, channel)
                self.joined.set()
                while True:
                    message = await layer.receive(channel)
                    if self.stopping or message.get("type") == STOP:
                        await self.leave(layer, channel)
                        return
                    self.take(message)
            except asyncio.CancelledError:
                await self.leave(layer, channel)
                raise
            except Exception:
                if cancel_requested():
                    raise asyncio.CancelledError from None
                logger.warning("tally relay %s: channel layer failed, retrying", self.group)
                await asyncio.sleep(RETRY_AFTER)

    async def stop(self) -> None:
        """End the relay by a message on its own channel. Cancelling it is the fallback only:
        redis-py may hold a cancelled blocking read until the read's own timeout (5 s). On
        Redis the stop message itself can be held up, or lost, by such a read: the relay then
        ends on the next message it receives, or is cancelled `STOP_GRACE` seconds later."""
        self.stopping = True
        if self.channel is not None:
            try:
                await get_channel_layer().send(self.channel, {"type": STOP})
                # If the message is lost and no tally follows, the relay is cancelled after all.
                asyncio.get_running_loop().call_later(STOP_GRACE, self.task.cancel)
                return
            except Exception:
                logger.warning("tally relay %s: no stop message, cancelled", self.group)
        self.task.cancel()

    async def leave(self, layer, channel) -> None:
        if self.writer is not None:
            self.writer.cancel()
        try:
            await asyncio.wait_for(layer.group_discard(self.group, channel), 2.0)
        except Exception:  # noqa: S110 (the group expires by itself if the layer is down)
            pass

    def take(self, message: dict) -> None:
        if message.get("type") != "tally":
            return
        held = self.pending.get(message["poll"])
        if held is None or message["seq"] > held["seq"]:
            self.pending[message["poll"]] = message
        if self.writer is None or self.writer.done():
            self.writer = asyncio.get_running_loop().create_task(self.write_pending())

    async def write_pending(self) -> None:
        budget = write_budgets.get()
        while self.pending:
            if (wait := budget.wait()) > 0:
                await asyncio.sleep(wait)
            tallies, self.pending = list(self.pending.values()), {}
            started = budget.clock()
            for tally in tallies:
                await self.deliver(tally)
            budget.spend(budget.clock() - started)

    async def deliver(self, tally: dict) -> int:
        """Write `tally` to every screen that has not seen a newer one; returns how many."""
        poll, seq = tally["poll"], tally["seq"]
        text = json.dumps(tally)
        written = 0
        for screen in list(self.screens):
            previous = screen.last_tally.get(poll)
            if previous is not None and seq <= previous["seq"]:
                continue
            screen.last_tally[poll] = tally
            written += 1
            try:
                await screen.send_frame(text)
            except Exception:  # a screen closing under us must not stop the others
                logger.debug("tally not written to a closing screen", exc_info=True)
        return written


relays_by_assembly: PerLoop[dict[int, Relay]] = PerLoop(dict)


def write_budget() -> TokenBucket:
    """Seconds of writing, shared by every relay of the process (its event loop): a tally may
    overdraw it, since it is never written to only part of a room; the next write waits the
    debt out."""
    share = settings.LIVE_TALLY_WRITE_SHARE
    return TokenBucket(capacity=share * BURST, period=BURST, clock=asyncio.get_running_loop().time)


write_budgets = PerLoop(write_budget)


async def watch(assembly_id: int, screen: Screen) -> None:
    """`screen` receives every tally of the assembly published from now on. Call it before
    reading the state the screen starts from: a ballot committed after that read is in a
    tally the relay receives, since it joined the group first."""
    relays = relays_by_assembly.get()
    relay = relays.get(assembly_id)
    if relay is None:
        relay = relays[assembly_id] = Relay(assembly_id)
        relay.start()
    relay.screens.add(screen)
    try:
        await asyncio.wait_for(relay.joined.wait(), JOIN_TIMEOUT)
    except TimeoutError:  # the layer is down: the state is still sent, tallies resume later
        logger.warning("tally relay %s has not joined its group yet", relay.group)


async def unwatch(assembly_id: int, screen: Screen) -> None:
    relays = relays_by_assembly.get()
    relay = relays.get(assembly_id)
    if relay is None:
        return
    relay.screens.discard(screen)
    if not relay.screens:
        del relays[assembly_id]
        await relay.stop()


def relay_count() -> int:
    """Relays running in this event loop (for tests)."""
    return len(relays_by_assembly.get())
