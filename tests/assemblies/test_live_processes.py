"""Two daphne processes behind one Redis channel layer: a ballot cast on one reaches the
watchers of the other, and every client sees seq only grow. An external client speaks the
documented protocol with the `websockets` library and an API token."""

import json
import time
from contextlib import ExitStack

import pytest
from rest_framework.authtoken.models import Token
from websockets.sync.client import connect

from tests.assemblies.factories import AssemblyFactory, open_poll, seat
from tests.conftest import start_daphne

pytestmark = pytest.mark.postgres  # the in-memory layer does not cross processes


@pytest.fixture
def second_server(live):
    server = start_daphne()
    yield server
    server.stop()


def open_socket(stack, server, assembly, user):
    socket = stack.enter_context(
        connect(f"{server.ws_url}/ws/assemblies/{assembly.pk}/", origin=server.url, open_timeout=10)
    )
    socket.send(json.dumps({"type": "auth", "token": Token.objects.create(user=user).key}))
    state = json.loads(socket.recv(timeout=10))
    assert state["type"] == "assembly.state"
    return socket


def next_of(socket, kind, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(socket.recv(timeout=max(deadline - time.monotonic(), 0.01)))
        if message["type"] == kind:
            return message


def test_ballots_cast_on_one_process_reach_the_watchers_of_another(live, second_server):
    assembly = AssemblyFactory()
    alice, bob, carol = seat(assembly, 3)
    poll = open_poll(assembly)
    with ExitStack() as stack:
        on_first = open_socket(stack, live, assembly, alice)
        on_second = open_socket(stack, second_server, assembly, bob)
        watcher = open_socket(stack, second_server, assembly, carol)
        on_first.send(
            json.dumps(
                {
                    "type": "vote",
                    "poll": poll.pk,
                    "organisation": alice.organisation_id,
                    "choice": "yes",
                    "request_id": "a",
                }
            )
        )
        ack = next_of(on_first, "vote.ack")
        tally = next_of(watcher, "tally")
        assert tally["seq"] >= ack["seq"] == 1
        on_second.send(
            json.dumps(
                {
                    "type": "vote",
                    "poll": poll.pk,
                    "organisation": bob.organisation_id,
                    "choice": "no",
                    "request_id": "b",
                }
            )
        )
        assert next_of(on_second, "vote.ack")["seq"] == 2
        seen = [next_of(on_first, "tally")]
        while seen[-1]["seq"] < 2:
            seen.append(next_of(on_first, "tally"))
        assert [t["seq"] for t in seen] == sorted({t["seq"] for t in seen})
        assert seen[-1]["totals"] == {"yes": "1.00", "no": "1.00", "abstain": "0.00"}
