"""The in-memory channel layer of the embedded configuration, without its quadratic cost.

Channels' `InMemoryChannelLayer.receive()` scans every channel and every group member for
expired entries on each message received. A tally sent to a group of N connections is then
received N times, each receive scanning N entries: N x N work per broadcast, which kept one
daphne process busy for seconds per tally with a few thousand delegates connected (see
docs/PERFORMANCE.md). Expired entries are rare and harmless for a moment, so the scan runs
at most once per `CLEAN_INTERVAL` seconds; expiry itself is unchanged.
"""

import time

from channels.layers import InMemoryChannelLayer as BaseInMemoryChannelLayer


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
