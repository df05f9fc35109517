"""Live tallies, coalesced: at most one `tally` message per poll per `WINDOW` seconds, however
many ballots arrive, each an absolute snapshot read once and sent once to the assembly's tally
group, whose members are one relay per process (`assemblies.fanout`).

`ballot_cast` calls `ballot_committed(poll_id)` once its ballot is committed, from whatever
thread cast it. The coalescing happens in the event loop of the server that thread belongs to
(daphne's, reached through the worker thread's asgiref context): the first ballot after a
quiet spell is published at once, the ones that follow within the window join a single
snapshot at its end. Every process coalesces its own ballots; with several daphne processes
behind Redis, a consumer drops any snapshot whose `seq` is not above the last one it sent, so a
client never sees `seq` go down. Without a running server loop (a management command, a plain
test) the snapshot is published at once.

`seq` is the number of ballots in the snapshot (see `assemblies.selectors.poll_tally`): ballots
are never deleted, so `seq` only grows and any snapshot with `seq >= vote.ack.seq` includes the
acknowledged ballot. If the channel layer is down the ballot stands: this module logs, and
tries the tally again every `RETRY_AFTER` seconds until it goes out (or a newer one does).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os

from asgiref.sync import SyncToAsync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from alliance.events import group_send_now
from alliance.per_loop import PerLoop
from assemblies.fanout import tally_group
from assemblies.models import Poll
from assemblies.selectors import poll_tally

logger = logging.getLogger(__name__)

WINDOW = 0.2  # seconds between two tallies of one poll, at least
SEND_TIMEOUT = 2.0  # a channel layer that does not answer must not hold the next tallies
RETRY_AFTER = 1.0  # a tally that could not be published is tried again after this long


def snapshot(poll_id: int) -> tuple[str, dict] | None:
    """The assembly's tally group (`assemblies.fanout`) and the poll's `tally` message, read
    now (None if no such poll)."""
    poll = Poll.objects.filter(pk=poll_id).first()
    if poll is None:
        return None
    return tally_group(poll.assembly_id), poll_tally(poll)


def publish_now(poll_id: int) -> None:
    """Read and send the snapshot from this (sync) thread, uncoalesced."""
    try:
        found = snapshot(poll_id)
    except Exception:
        logger.warning("tally of poll %s could not be read", poll_id, exc_info=True)
        return
    if found is not None:
        group_send_now(*found)


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop this worker thread was called from, through asgiref (as
    `async_to_sync` finds it), or None outside a server."""
    local = SyncToAsync.threadlocal
    loop = getattr(local, "main_event_loop", None)
    if loop is None or getattr(local, "main_event_loop_pid", None) != os.getpid():
        return None
    if loop.is_closed() or not loop.is_running():
        return None
    return loop


def ballot_committed(poll_id: int) -> None:
    """A ballot of `poll_id` is committed: have a tally published soon. Never raises."""
    loop = _server_loop()
    if loop is not None:
        try:
            # A fresh context: the worker thread's own (asgiref's deadlock guard, the request's
            # context variables) must not leak into the publisher's tasks.
            loop.call_soon_threadsafe(_note, poll_id, context=contextvars.Context())
            return
        except RuntimeError:  # the loop closed in between
            pass
    publish_now(poll_id)


def _note(poll_id: int) -> None:
    coalescers.get().note(poll_id)


class Coalescer:
    """Per event loop; touched only from its loop, so it needs no lock.

    A poll is `due` (a flush is scheduled), `running` (its snapshot is being read and sent) or
    idle. A ballot noted while its poll is running may or may not be in that snapshot, so the
    poll is marked `dirty` and flushed again one window later. Flushes of one poll never
    overlap, so their messages leave in the order their snapshots were read.
    """

    def __init__(self):
        self.loop = asyncio.get_running_loop()
        self.due: set[int] = set()
        self.running: set[int] = set()
        self.dirty: set[int] = set()
        self.last_start: dict[int, float] = {}
        self.last_sent: dict[int, int] = {}  # poll id -> seq of the last tally sent
        self.idle_event = asyncio.Event()
        self.idle_event.set()

    def note(self, poll_id: int) -> None:
        if poll_id in self.running:
            self.dirty.add(poll_id)
        elif poll_id not in self.due:
            self.schedule(poll_id)

    def schedule(self, poll_id: int) -> None:
        self.due.add(poll_id)
        self.idle_event.clear()
        last = self.last_start.get(poll_id)
        delay = 0.0 if last is None else max(0.0, last + WINDOW - self.loop.time())
        self.loop.call_later(delay, self.start, poll_id)

    def start(self, poll_id: int) -> None:
        self.due.discard(poll_id)
        self.running.add(poll_id)
        self.last_start[poll_id] = self.loop.time()
        self.loop.create_task(self.flush(poll_id))

    async def flush(self, poll_id: int) -> None:
        failed = False
        try:
            found = await database_sync_to_async(snapshot)(poll_id)
            # A re-read that found no new ballot is not sent again.
            if found is not None and found[1]["seq"] > self.last_sent.get(poll_id, -1):
                await asyncio.wait_for(get_channel_layer().group_send(*found), SEND_TIMEOUT)
                self.last_sent[poll_id] = found[1]["seq"]
        except Exception:  # the database or the channel layer is down: the ballots stand
            failed = True
            logger.warning("tally of poll %s not published", poll_id, exc_info=True)
        finally:
            self.running.discard(poll_id)
            if poll_id in self.dirty:
                self.dirty.discard(poll_id)
                self.schedule(poll_id)
            else:
                if failed:
                    # Tried again until it goes out: the ballot may be the poll's last, and
                    # Redis just back may refuse the first send on a connection it dropped.
                    self.loop.call_later(RETRY_AFTER, self.note, poll_id)
                if not self.due and not self.running:
                    self.idle_event.set()

    async def wait_idle(self) -> None:
        """Until every noted ballot is in a published tally (tests wait on this)."""
        await self.idle_event.wait()


coalescers = PerLoop(Coalescer)


async def wait_idle() -> None:
    """Until the current loop's coalescer has published every ballot noted so far."""
    await asyncio.sleep(0)  # let pending call_soon_threadsafe notes run first
    await coalescers.get().wait_idle()
