"""The channel layers: the in-memory one of the embedded configuration, without its quadratic
cost, and the Redis one of the scale-out deployment, made to survive a Redis outage.

Channels' `InMemoryChannelLayer.receive()` scans every channel and every group member for
expired entries on each message received. A tally sent to a group of N connections is then
received N times, each receive scanning N entries: N x N work per broadcast, which kept one
daphne process busy for seconds per tally with a few thousand delegates connected (see
docs/PERFORMANCE.md). Expired entries are rare and harmless for a moment, so the scan runs
at most once per `CLEAN_INTERVAL` seconds; expiry itself is unchanged.
"""

import asyncio
import logging
import time

from channels.layers import InMemoryChannelLayer as BaseInMemoryChannelLayer
from channels_redis.core import RedisChannelLayer as BaseRedisChannelLayer

logger = logging.getLogger(__name__)


class InMemoryChannelLayer(BaseInMemoryChannelLayer):
    CLEAN_INTERVAL = 1.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._last_clean = 0.0

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._last_clean < self.CLEAN_INTERVAL:
            return
        self._last_clean = now
        super()._clean_expired()


def cancel_requested() -> bool:
    """Whether the running task has been asked to stop. A retry loop checks it before trying
    again: redis-py can turn a cancel into its own `TimeoutError` (when the task entered its
    read timeout already cancelling, `asyncio.timeout` takes the cancel for its own), and a
    task that retries after that never ends, nor does the event loop that waits for it."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


class RedisChannelLayer(BaseRedisChannelLayer):
    """Channels' Redis layer, made to ride out a Redis outage (docs/RELIABILITY.md, section 2).

    - `receive` never raises when Redis is unreachable: it waits and tries again, so the
      consumers (and their WebSocket connections) live through the outage; votes only need
      the database.
    - `group_add` records the membership before asking Redis and never raises for a lost Redis:
      a connection opened during the outage still gets its state and may vote. A `group_add`
      Redis did not confirm in time (down, or only slow under a storm of connections) is
      retried by the watchdog until it is: a slow join must not leave a screen deaf for good.
    - `send`, `group_send` and `group_discard` give up after `TIMEOUT` seconds instead of
      waiting on a dead server.
    - A watchdog (one task per event loop that receives) asks Redis its `run_id` every
      `WATCH_INTERVAL` seconds. When Redis comes back, or is a new server (a restart without
      persistence has lost every group), it adds again every membership of this process and
      sends `{"type": "layer.restored"}` to the channels that asked for it
      (`notify_on_restore`): the assembly consumer answers with a fresh `assembly.state`.
    """

    TIMEOUT = 2.0
    WATCH_INTERVAL = 1.0
    RETRY_DELAYS = (0.1, 0.25, 0.5, 1.0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships: dict[str, set[str]] = {}
        self.restore_notices: set[str] = set()
        self.watchdogs: dict = {}  # event loop -> its watchdog task
        self.server_id: str | None = None
        self.reachable = True
        self.unconfirmed: set[tuple[str, str]] = set()  # (group, channel) Redis may lack

    # --- Membership, recorded here as well as in Redis ---------------------------------------

    async def group_add(self, group, channel):
        self.memberships.setdefault(channel, set()).add(group)
        self._watch()
        try:
            await asyncio.wait_for(super().group_add(group, channel), self.TIMEOUT)
        except Exception:
            # Unreachable, or only slow (thousands of connections joining at once): either
            # way the watchdog adds it again until Redis confirms it.
            self.unconfirmed.add((group, channel))
            logger.warning("Redis did not confirm that %s joins %s: retrying", channel, group)

    async def group_discard(self, group, channel):
        self.unconfirmed.discard((group, channel))
        groups = self.memberships.get(channel, set())
        groups.discard(group)
        if not groups:
            self.memberships.pop(channel, None)
            self.restore_notices.discard(channel)
        try:
            await asyncio.wait_for(super().group_discard(group, channel), self.TIMEOUT)
        except Exception:  # the membership expires in Redis on its own (group_expiry)
            logger.warning(
                "Redis unreachable: %s not removed from %s", channel, group, exc_info=True
            )

    def notify_on_restore(self, channel: str) -> None:
        self.restore_notices.add(channel)

    # --- Bounded sends, patient receive ------------------------------------------------------

    async def send(self, channel, message):
        await asyncio.wait_for(super().send(channel, message), self.TIMEOUT)

    async def group_send(self, group, message):
        await asyncio.wait_for(super().group_send(group, message), self.TIMEOUT)

    async def receive(self, channel):
        failures = 0
        while True:
            try:
                return await super().receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                if cancel_requested():
                    raise asyncio.CancelledError from None
                if failures == 0:
                    logger.warning("Redis unreachable: %s waits for it", channel, exc_info=True)
                delay = self.RETRY_DELAYS[min(failures, len(self.RETRY_DELAYS) - 1)]
                failures += 1
                await asyncio.sleep(delay)

    # --- The watchdog ------------------------------------------------------------------------

    def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        task = self.watchdogs.get(loop)
        if task is None or task.done():
            self.watchdogs[loop] = loop.create_task(self._watchdog())

    async def _watchdog(self) -> None:
        while self.memberships:
            await self.check()
            await asyncio.sleep(self.WATCH_INTERVAL)
        self.watchdogs.pop(asyncio.get_running_loop(), None)

    async def check(self) -> None:
        """Ask Redis who it is; restore the memberships if it was unreachable or is new."""
        try:
            info = await asyncio.wait_for(self.connection(0).info("server"), self.TIMEOUT)
        except Exception:
            if self.reachable:
                logger.warning("Redis unreachable: live updates paused")
            self.reachable = False
            return
        server_id = info.get("run_id")
        if self.reachable and server_id == self.server_id:
            await self.confirm()
            return
        if self.reachable and self.server_id is None:
            self.server_id = server_id  # the first answer: nothing was lost
            return
        logger.warning("Redis is back (server %s): restoring the groups", server_id)
        try:
            await self.restore()
        except Exception:
            logger.warning("Redis: restoring the groups failed, trying again", exc_info=True)
            return
        self.reachable, self.server_id = True, server_id

    async def confirm(self) -> None:
        """Add again the memberships whose `group_add` Redis did not confirm."""
        for group, channel in list(self.unconfirmed):
            if group not in self.memberships.get(channel, ()):
                self.unconfirmed.discard((group, channel))  # left meanwhile
                continue
            try:
                await asyncio.wait_for(super().group_add(group, channel), self.TIMEOUT)
            except Exception:
                return  # still not answering: next round
            self.unconfirmed.discard((group, channel))

    async def restore(self) -> None:
        """Add every recorded membership again, then tell the channels that asked."""
        for channel, groups in list(self.memberships.items()):
            for group in list(groups):
                await asyncio.wait_for(super().group_add(group, channel), self.TIMEOUT)
        self.unconfirmed.clear()
        for channel in list(self.restore_notices):
            await self.send(channel, {"type": "layer.restored"})
