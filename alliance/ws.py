"""What every WebSocket consumer shares: the per-connection flood limit and its close code, the
dispatch without an ORM-thread hop, the frame write without the session middleware."""

import time

from channels.consumer import get_handler_name
from channels.sessions import InstanceSessionWrapper

CLOSE_FLOOD = 4429  # documented in docs/LIVE_PROTOCOL.md
# A person's sessions and tokens were revoked (sign-out, new token, new password, account
# deactivated, delegate role withdrawn): the same code as "not authenticated", after an
# `error` `session_revoked`, so that the clients stop and ask to sign in again.
CLOSE_SESSION_REVOKED = 4401
RATE_BURST = 20  # messages a client may send at once ...
RATE_PERIOD = 10.0  # ... refilled over this many seconds
FLOOD_DROPS = 20  # messages refused in a row before the connection is closed


def person_group(user_id: int) -> str:
    """The group of every open socket of one signed-in person (`session.revoked` goes there)."""
    return f"person-{user_id}"


class TokenBucket:
    """`capacity` tokens at once, refilled evenly over `period` seconds. `take()` spends one if
    there is one; `spend(n)` spends n even beyond what there is (a tally is written to a whole
    room, `assemblies.fanout`), and `wait()` says how long until the debt is paid."""

    def __init__(
        self, capacity: float = RATE_BURST, period: float = RATE_PERIOD, clock=time.monotonic
    ):
        self.capacity = capacity
        self.rate = capacity / period
        self.clock = clock
        self.tokens = float(capacity)
        self.stamp = clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def take(self) -> bool:
        self._refill()
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def spend(self, tokens: float) -> None:
        self._refill()
        self.tokens -= tokens

    def wait(self) -> float:
        """Seconds until no token is owed."""
        self._refill()
        return max(0.0, -self.tokens / self.rate)


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

    async def send_frame(self, text: str) -> None:
        """Write one text frame through the server's own `send`, past Channels' session
        middleware: that wrapper reads the lazy session on every message to decide whether to
        save it, which only HTTP responses ever do; for a tally written to thousands of screens
        that read was a tenth of the process's time (docs/PERFORMANCE.md)."""
        send = self.base_send
        while isinstance(getattr(send, "__self__", None), InstanceSessionWrapper):
            send = send.__self__.real_send
        await send({"type": "websocket.send", "text": text})
