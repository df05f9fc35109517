"""Daphne's connections send at once what the socket takes, keep the order of every byte, and
still report a lost connection through Twisted's own path; autobahn's per-frame debug-log
arguments are plain strings (alliance/daphne_tuning.py)."""

import socket

import autobahn.util
import pytest
from twisted.internet import main, tcp
from twisted.internet.protocol import Protocol

from alliance import daphne_tuning


class RecordingReactor:
    """The part of a reactor a TCP connection calls: which sockets wait for writability."""

    def __init__(self):
        self.writers = set()
        self.registrations = 0

    def addReader(self, reader):
        pass

    def removeReader(self, reader):
        pass

    def addWriter(self, writer):
        self.writers.add(writer)
        self.registrations += 1

    def removeWriter(self, writer):
        self.writers.discard(writer)

    def callLater(self, *args, **kwargs):
        pass


@pytest.fixture
def connection():
    ours, theirs = socket.socketpair()
    ours.setblocking(False)
    reactor = RecordingReactor()
    server = daphne_tuning.EagerWriteServer(ours, Protocol(), ("127.0.0.1", 1), None, 1, reactor)
    yield server, theirs, reactor
    ours.close()
    theirs.close()


def received(peer: socket.socket, size: int) -> bytes:
    peer.settimeout(2)
    data = b""
    while len(data) < size:
        data += peer.recv(size - len(data))
    return data


class Producer:
    paused = 0

    def pauseProducing(self):
        self.paused += 1

    def resumeProducing(self):
        pass

    def stopProducing(self):
        pass


def test_a_write_on_an_idle_connection_is_sent_at_once(connection):
    server, peer, reactor = connection
    server.registerProducer(Producer(), True)  # as daphne leaves it on an upgraded WebSocket
    server.write(b"frame-1")
    server.write(b"frame-2")
    assert received(peer, 14) == b"frame-1frame-2"
    assert reactor.registrations == 0  # no waiting for writability, no epoll registration


def test_what_the_socket_does_not_take_waits_in_order_behind_it(connection):
    server, peer, reactor = connection
    producer = Producer()
    server.registerProducer(producer, True)
    big = bytes(range(256)) * 8192  # 2 MiB: more than a socket pair's buffers hold
    server.write(big)
    assert reactor.writers == {server}  # the rest waits for the loop
    assert producer.paused == 1  # Twisted's flow control, as without eager writes
    server.write(b"after")  # buffered behind the rest, never sent ahead of it
    expected = big + b"after"
    data = b""
    peer.settimeout(2)
    while len(data) < len(expected):
        server.doWrite()  # what the loop does when the socket can take more
        data += peer.recv(1 << 20)
    assert data == expected
    server.write(b"idle again")
    assert received(peer, 10) == b"idle again"


def test_a_lost_connection_is_reported_by_twisted_as_before(connection):
    server, peer, reactor = connection
    peer.close()
    for _ in range(3):  # the first sends may still be accepted by the kernel
        server.write(b"x" * 65536)
    assert reactor.writers == {server}  # the failed write went through Twisted's own path
    assert server.doWrite() is main.CONNECTION_LOST


def test_daphne_s_ports_build_eager_connections_once_the_asgi_module_is_loaded():
    import alliance.asgi  # noqa: F401

    assert tcp.Port.transport is daphne_tuning.EagerWriteServer
    assert autobahn.util.hltype(test_a_lost_connection_is_reported_by_twisted_as_before) == (
        "<tests.alliance.test_daphne_tuning.test_a_lost_connection_is_reported_by_twisted_as_before>"
    )  # no terminal colour codes
