"""kill -9 of one daphne process during a burst of votes (issue 8, faults).

200 delegates, half on each of two daphne processes behind one Redis, vote within a second
(one every `STAGGER` seconds: the server casts the votes that arrive together in one batch, so
votes sent all at once would all be answered at once); one process is killed (SIGKILL)
mid-burst, with votes of its clients acknowledged and others sent but unanswered. Its clients reconnect to the surviving process and send
again the votes that got no answer."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.faults.checks import assert_consistent, choice_for
from tests.faults.client import FaultClient, start_all, stop_all
from tests.faults.services import manage

pytestmark = pytest.mark.faults

DELEGATES = 200
RIGHT_AGAIN_WITHIN = 5.0  # seconds, from the kill to a state read from the database
SETTLED_WITHIN = 15.0  # seconds, from the kill to the final tally (re-sent votes included)
STAGGER = 0.005  # seconds between two delegates' votes


async def test_kill_9_of_one_daphne_during_a_burst_loses_no_acknowledged_ballot(
    env, daphnes, figures
):
    data = await asyncio.to_thread(manage, env, "seed", "kill-9", str(DELEGATES))
    killed, survivor = daphnes
    clients = [
        FaultClient(
            servers=[killed, survivor] if index % 2 == 0 else [survivor, killed],
            token=person["token"],
            assembly=data["assembly"],
            poll=data["poll"],
            organisation=person["organisation"],
        )
        for index, person in enumerate(data["delegates"])
    ]
    on_killed = clients[0::2]
    try:
        await start_all(clients)
        deadline = time.monotonic() + 60
        votes = [
            asyncio.create_task(c.vote_until_settled(choice_for(i), deadline, after=i * STAGGER))
            for i, c in enumerate(clients)
        ]

        # Mid-burst: ballots on the doomed process acknowledged, and others in flight there.
        while (
            sum(1 for c in on_killed for a in c.answers if a["type"] == "vote.ack") < 5
            or sum(c.in_flight for c in on_killed) == 0
        ):
            assert time.monotonic() < deadline, "no moment with ballots acked and in flight"
            await asyncio.sleep(0.001)
        killed.kill9()
        killed_at = time.monotonic()
        in_flight = sum(c.in_flight for c in on_killed)
        unanswered = sum(1 for c in on_killed if not c.answers)
        acked_before_kill = sum(1 for c in clients for a in c.answers if a["type"] == "vote.ack")

        answers = await asyncio.wait_for(asyncio.gather(*votes), 60)
        assert survivor.alive()
        final_truth = await asyncio.to_thread(manage, env, "truth", str(data["poll"]))
        final_seq = final_truth["tally"]["seq"]

        # Right again: each client of the killed process reconnects to the survivor and gets
        # an `assembly.state` read from the database (it counts every ballot acknowledged
        # before the kill), from which the live tallies keep it right...
        # (The votes may all be answered before every client has reconnected: wait for it.)
        async def state_after_kill(client):
            while time.monotonic() < killed_at + 30:
                state = next((s for s in client.states if s[0] > killed_at), None)
                if state is not None:
                    return state
                await asyncio.sleep(0.05)
            raise AssertionError("a client of the killed process never reconnected")

        reconnects = []
        for at, url, seq in await asyncio.gather(*(state_after_kill(c) for c in on_killed)):
            assert url == survivor.url
            assert acked_before_kill <= seq <= final_seq
            reconnects.append(at - killed_at)
        reconnects.sort()
        assert reconnects[-1] < RIGHT_AGAIN_WITHIN, reconnects[-5:]

        # ... up to the final tally, equal to the database, on every client.
        async def settled(client):
            while (client.latest is None or client.latest.seq < final_seq) and (
                time.monotonic() < killed_at + 30
            ):
                await asyncio.sleep(0.05)
            return client.first_seen(final_seq, after=killed_at)

        seen_at = await asyncio.gather(*(settled(c) for c in on_killed))
        for client in clients:
            assert client.latest.seq == final_seq
            assert client.latest.totals == final_truth["tally"]["totals"]
        delays = sorted(at - killed_at for at in seen_at)
        assert delays[-1] < SETTLED_WITHIN, delays[-5:]
    finally:
        await stop_all(clients)

    acks = [a for a in answers if a["type"] == "vote.ack"]
    already = [a for a in answers if a["type"] == "error" and a["code"] == "already_voted"]
    assert len(acks) + len(already) == DELEGATES, [a for a in answers if a not in acks + already]
    final = await asyncio.to_thread(manage, env, "close", str(data["poll"]))
    assert_consistent(final, acks)
    assert len(final["ballots"]) == DELEGATES  # every delegate's vote counted exactly once
    assert in_flight > 0, "the kill came after the burst: nothing was in flight"

    figures["delegates"] = DELEGATES
    figures["votes on the killed process unanswered at the kill"] = unanswered
    figures["of which sent and in flight"] = in_flight
    figures["acknowledged"] = len(acks)
    figures["already_voted on re-send (recorded, ack lost)"] = len(already)
    figures["ballots in the database"] = len(final["ballots"])
    figures["right again (kill -> assembly.state on the survivor) median / max s"] = (
        f"{reconnects[len(reconnects) // 2]:.2f} / {reconnects[-1]:.2f}"
    )
    figures["kill -> final tally, re-sent votes included, median / max s"] = (
        f"{delays[len(delays) // 2]:.2f} / {delays[-1]:.2f}"
    )
