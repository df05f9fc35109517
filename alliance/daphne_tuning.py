"""Two costs of daphne's stack paid on every WebSocket frame, removed in daphne's processes.

**Eager writes.** Twisted's TCP transport never writes in `write`: it buffers the bytes,
registers the socket with the event loop for writability (an `epoll_ctl` and asyncio's selector
bookkeeping), writes on the loop's next turn, then unregisters it (another `epoll_ctl`). For one
tally written to thousands of screens that is two system calls and their bookkeeping per frame,
about a third of a daphne process's time during a sustained vote (docs/PERFORMANCE.md).
asyncio's own transports send at once and fall back to the loop only for what the socket did
not take; this transport does the same.

Bytes are sent at once only when nothing is buffered, so their order is kept; whatever the
socket does not take (or an error) goes through Twisted's own path, which reports a lost
connection as before.

**Plain debug-log arguments.** autobahn builds the arguments of a debug log line for every frame
it sends, logged or not, and colours them with `click` when `click` is installed (a test
dependency here, so `make run` and the bench have it): four `click.style` calls a frame, a
tenth of a process's time during a sustained vote. Without colours they are plain strings.

`install()` does both; it runs when `alliance.asgi` is imported, before daphne listens.
"""

from __future__ import annotations

import autobahn.util
from twisted.internet import tcp


class EagerWriteServer(tcp.Server):
    def write(self, data: bytes) -> None:
        if isinstance(data, bytes) and data and self._idle_for_writing():
            sent = self.writeSomeData(data)
            if isinstance(sent, int) and sent > 0:  # else 0, or a lost connection: Twisted's path
                if sent == len(data):
                    return
                data = data[sent:]
        super().write(data)

    def _idle_for_writing(self) -> bool:
        """Connected, not closing, not TLS, and nothing buffered. A producer (daphne leaves
        Twisted's HTTP channel registered on an upgraded WebSocket) needs no care here: it is
        paused only when the buffer grows, and whatever is not sent goes to Twisted's `write`."""
        return (
            self.connected
            and not self.disconnecting
            and not self._writeDisconnected
            and not self.TLS
            and not self._tempDataBuffer
            and self.offset >= len(self.dataBuffer)
        )


def install() -> None:
    tcp.Port.transport = EagerWriteServer  # the connections Twisted's TCP ports (daphne's) build
    autobahn.util._HAS_CLICK = False  # read by autobahn.util.hl at each call
