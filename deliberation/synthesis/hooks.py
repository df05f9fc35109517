"""Called by the debate services after reactions or points change (after commit).

The opinion groups of the thread are recomputed off the request path: each call (re)arms a
per-thread timer, so a burst of reactions causes one computation `SYNTHESIS_RECOMPUTE_DELAY`
seconds (default 2) after the last one. The computation runs in the timer's worker thread,
stores its result, pushes `{"type": "opinion_groups", ...}` to the group `thread-<id>`, closes
its database connection and never raises. `SYNTHESIS_RECOMPUTE_DELAY = 0` runs it at once in
the caller (tests). A deployment with several processes may also run
`manage.py compute_opinion_groups` from cron: every process only debounces its own calls.
"""

import logging
import threading

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)
DEFAULT_DELAY = 2.0


class Debouncer:
    """One pending timer per key; a new call for the key replaces the pending one."""

    def __init__(self, action):
        self._action = action
        self._lock = threading.Lock()
        self._timers: dict[int, threading.Timer] = {}

    def schedule(self, key: int, delay: float) -> None:
        with self._lock:
            pending = self._timers.pop(key, None)
            if pending is not None:
                pending.cancel()
            timer = threading.Timer(delay, self._run, args=(key,))
            timer.daemon = True
            self._timers[key] = timer
            timer.start()

    def _run(self, key: int) -> None:
        with self._lock:
            if self._timers.get(key) is threading.current_thread():
                del self._timers[key]
        try:
            self._action(key)
        except Exception:  # a worker thread has nobody to raise to
            logger.exception("scheduled action for %s failed", key)
        finally:
            connection.close()  # this worker thread's own connection

    def pending(self) -> int:
        with self._lock:
            return len(self._timers)


def recompute_and_push(thread_id: int) -> None:
    """Compute, store and push the opinion groups of a thread; log failures, never raise."""
    from alliance.events import group_send_now
    from deliberation.models import Thread
    from deliberation.services import thread_group
    from deliberation.synthesis import selectors, services

    try:
        thread = Thread.objects.filter(pk=thread_id).first()
        if thread is None:
            return
        result = services.opinion_groups_compute(thread=thread)
        group_send_now(thread_group(thread_id), selectors.opinion_groups_message(result))
    except Exception:
        logger.exception("opinion groups of thread %s could not be recomputed", thread_id)


scheduler = Debouncer(recompute_and_push)


def reactions_changed(*, thread_id: int) -> None:
    """Reactions of a thread changed: refresh what depends on them."""
    delay = getattr(settings, "SYNTHESIS_RECOMPUTE_DELAY", DEFAULT_DELAY)
    if not delay:
        recompute_and_push(thread_id)
        return
    scheduler.schedule(thread_id, delay)
