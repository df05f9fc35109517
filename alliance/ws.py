"""What every WebSocket consumer shares: the per-connection flood limit and its close code."""

import time

from channels.consumer import get_handler_name

CLOSE_FLOOD = 4429  # documented in docs/LIVE_PROTOCOL.md
RATE_BURST = 20  # messages a client may send at once ...
RATE_PERIOD = 10.0  # ... refilled over this many seconds
FLOOD_DROPS = 20  # messages refused in a row before the connection is closed


class TokenBucket:
    """`capacity` messages at once, refilled evenly over `period` seconds."""

    def __init__(self, capacity: int = RATE_BURST, period: float = RATE_PERIOD):
        self.capacity = capacity
        self.rate = capacity / period
        self.tokens = float(capacity)
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class FloodGuard:
    """Per connection: `admit()` says whether a message may be handled, and what to do if not:
    answer `rate_limited` once, then close with `CLOSE_FLOOD` after `FLOOD_DROPS` refusals in a
    row. Other connections are never affected."""

    ADMIT, WARN, DROP, CLOSE = "admit", "warn", "drop", "close"

    def __init__(self):
        self.bucket = TokenBucket()
        self.drops = 0

    def admit(self) -> str:
        if self.bucket.take():
            self.drops = 0
            return self.ADMIT
        self.drops += 1
        if self.drops >= FLOOD_DROPS:
            return self.CLOSE
        return self.WARN if self.drops == 1 else self.DROP


class DirectDispatch:
    """Mixed into a consumer: each message goes straight to its handler.

    Channels 4.2+ first calls `close_old_connections` through `sync_to_async` before every
    handler, so every frame received and every group message sent to a connection waits for
    the one thread Channels gives the ORM, behind whatever runs there (a batch of ballots, a
    state read). Under a vote burst that wait, not the vote, was the cost. Our consumers touch
    the database only through `channels.db.database_sync_to_async`, which closes the old
    connections around each call itself, so nothing is lost by skipping the per-message one.
    """

    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)
