"""Redis stopped during a vote (issue 8, faults).

Two daphne processes share one Redis channel layer; Redis is killed (no persistence: when it
comes back it has lost every group membership). Meanwhile ballots are still acknowledged and
recorded, new connections still open, no process crashes; when Redis returns, every watcher
gets the truth again and live tallies flow between the processes again."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.faults.checks import assert_consistent, choice_for
from tests.faults.client import FaultClient, start_all, stop_all
from tests.faults.services import http, manage

pytestmark = pytest.mark.faults

DELEGATES = 30
BEFORE, DURING = 4, 10  # ballots cast before the outage, and during it over WebSocket
ACK_WITHIN = 3.0  # seconds, for a ballot cast while Redis is down
RESUMED_WITHIN = 5.0  # seconds, from Redis's return to every watcher holding the truth


async def wait_all_at(clients, seq: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while any(c.latest is None or c.latest.seq < seq for c in clients):
        lagging = [c.latest.seq if c.latest else None for c in clients]
        assert time.monotonic() < deadline, f"not every watcher reached seq {seq}: {lagging}"
        await asyncio.sleep(0.05)


async def wait_fresh_states(clients, since: float, timeout: float) -> list[float]:
    """Seconds from `since` to the first state each client received after it. The watchdog
    sends the notices that ask for it after adding every group again, so a live tally may
    reach a screen before its fresh state: waited for, within `timeout`."""
    deadline = time.monotonic() + timeout

    def fresh(client):
        return next((at for at, _url, _seq in client.states if at > since), None)

    while any(fresh(c) is None for c in clients):
        missing = sum(fresh(c) is None for c in clients)
        assert time.monotonic() < deadline, f"{missing} watchers got no fresh state"
        await asyncio.sleep(0.05)
    return sorted(fresh(c) - since for c in clients)


async def test_redis_outage_keeps_ballots_and_live_updates_resume(env, daphnes, redis, figures):
    data = await asyncio.to_thread(manage, env, "seed", "redis-outage", str(DELEGATES))
    first, second = daphnes
    people = data["delegates"]

    def client(index):
        return FaultClient(
            servers=[first, second] if index % 2 == 0 else [second, first],
            token=people[index]["token"],
            assembly=data["assembly"],
            poll=data["poll"],
            organisation=people[index]["organisation"],
        )

    watchers = [client(i) for i in range(DELEGATES - 1)]
    latecomer = client(DELEGATES - 1)  # connects while Redis is down
    acks = []
    try:
        await start_all(watchers)
        for index in range(BEFORE):
            acks.append(await watchers[index].vote_once(choice_for(index)))
        await wait_all_at(watchers, BEFORE, timeout=10)

        redis.stop()
        await asyncio.sleep(1.5)  # the processes notice (their watchdog asks every second)

        during = await asyncio.gather(
            *(watchers[i].vote_once(choice_for(i)) for i in range(BEFORE, BEFORE + DURING))
        )
        assert [a["type"] for a in during] == ["vote.ack"] * DURING, during
        ack_delays = sorted(a["answered_at"] - a["sent_at"] for a in during)
        assert ack_delays[-1] < ACK_WITHIN, ack_delays
        acks.extend(during)

        # The REST door too, and a connection opened during the outage.
        rest_index = BEFORE + DURING
        status, _headers, body = await asyncio.to_thread(
            http,
            "POST",
            f"{second.url}/api/polls/{data['poll']}/votes/",
            token=people[rest_index]["token"],
            body={"organisation": people[rest_index]["organisation"], "choice": "yes"},
        )
        assert status == 201, body
        # Signing in still works (the login throttle counts in Redis: it lets it through).
        started = time.monotonic()
        status, _headers, body = await asyncio.to_thread(
            http,
            "POST",
            f"{first.url}/api/auth/token/",
            body={"username": "bench-d00001", "password": "demo"},
        )
        login_delay = time.monotonic() - started
        assert status == 200, body
        assert login_delay < ACK_WITHIN
        await latecomer.start()
        assert latecomer.latest.seq == BEFORE + DURING + 1  # its state came from the database
        acks.append(await latecomer.vote_once("no"))
        assert acks[-1]["type"] == "vote.ack"
        assert first.alive() and second.alive()
        for server in daphnes:
            status, _headers, _body = await asyncio.to_thread(
                http,
                "GET",
                f"{server.url}/api/assemblies/{data['assembly']}/state/",
                token=people[0]["token"],
            )
            assert status == 200

        redis.start()
        back_at = time.monotonic()
        everyone = [*watchers, latecomer]
        truth = await asyncio.to_thread(manage, env, "truth", str(data["poll"]))
        seq = truth["tally"]["seq"]
        assert seq == BEFORE + DURING + 2
        await wait_all_at(everyone, seq, timeout=15)
        resumed = sorted(c.first_seen(seq) - back_at for c in everyone)
        assert resumed[-1] < RESUMED_WITHIN, resumed[-5:]
        for watcher in everyone:
            assert watcher.latest.totals == truth["tally"]["totals"]

        # Live tallies cross the processes again: a ballot on one reaches every watcher.
        voter = watchers[rest_index + 1]
        acks.append(await voter.vote_once(choice_for(rest_index + 1)))
        sent_at = time.monotonic()
        await wait_all_at(everyone, seq + 1, timeout=5)
        live_delay = max(c.first_seen(seq + 1) for c in everyone) - sent_at
        assert {c.states[-1][1] for c in everyone[0::2]} == {first.url}  # nobody reconnected
        fresh_states = await wait_fresh_states(everyone[:-1], back_at, RESUMED_WITHIN)
    finally:
        await stop_all([*watchers, latecomer])

    assert first.alive() and second.alive()
    final = await asyncio.to_thread(manage, env, "close", str(data["poll"]))
    assert_consistent(final, acks)
    assert len(final["ballots"]) == len(acks) + 1  # the REST ballot too

    figures["ballots acknowledged while Redis was down"] = (
        f"{DURING} (WebSocket) + 2 (REST, new connection)"
    )
    figures["ack delay during the outage median / max s"] = (
        f"{ack_delays[len(ack_delays) // 2]:.3f} / {ack_delays[-1]:.3f}"
    )
    figures["sign-in (POST /api/auth/token/) during the outage s"] = f"{login_delay:.2f}"
    figures["Redis back -> a fresh state on every watcher's screen, max s"] = (
        f"{fresh_states[-1]:.2f}"
    )
    figures["Redis back -> every watcher holds the truth median / max s"] = (
        f"{resumed[len(resumed) // 2]:.2f} / {resumed[-1]:.2f}"
    )
    figures["first ballot after the return -> every watcher s"] = f"{live_delay:.2f}"
