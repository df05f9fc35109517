"""PostgreSQL restarted during a vote (issue 8, faults).

The private cluster is stopped (`pg_ctl stop -m fast`: open transactions are cut) in the
middle of a burst of votes and started again. Meanwhile every door answers
`database_unavailable` (API 503 in the error shape, a 503 page, an `error` on the live
channel, close 4503 for a connection that cannot start) and no process crashes; afterwards
everything works again, and the database holds no half-written vote."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from websockets.asyncio.client import connect

from alliance.unavailable import MESSAGE
from tests.faults.checks import assert_consistent, choice_for
from tests.faults.client import FaultClient, start_all, stop_all
from tests.faults.services import http, manage

pytestmark = pytest.mark.faults

DELEGATES = 80
FIRST_WAVE = 50  # voting when the database stops; the others vote during the outage
STAGGER = 0.01  # seconds between two votes of the first wave
ANSWER_WITHIN = 6.0  # seconds: a refusal, not a hang (the connection timeout is 5 s)


async def refused_connection(server, assembly: int, token: str) -> tuple[dict, int]:
    async with connect(
        f"{server.ws_url}/ws/assemblies/{assembly}/", origin=server.url, open_timeout=10
    ) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        await asyncio.wait_for(ws.wait_closed(), 10)
        return message, ws.close_code


async def test_postgres_restart_answers_503_and_leaves_nothing_half_written(
    env, daphnes, postgres, figures
):
    data = await asyncio.to_thread(manage, env, "seed", "postgres-restart", str(DELEGATES))
    first, second = daphnes
    people = data["delegates"]
    clients = [
        FaultClient(
            servers=[first, second] if index % 2 == 0 else [second, first],
            token=person["token"],
            assembly=data["assembly"],
            poll=data["poll"],
            organisation=person["organisation"],
        )
        for index, person in enumerate(people)
    ]
    poll_url = f"{second.url}/api/polls/{data['poll']}/votes/"
    try:
        await start_all(clients)

        # Staggered, as in test_kill_daphne.py: the server casts votes arriving together in one
        # batch, and the stop must fall with some answered and others on their way.
        async def vote_later(index, client):
            await asyncio.sleep(index * STAGGER)
            return await client.vote_once(choice_for(index), timeout=20)

        wave = [asyncio.create_task(vote_later(i, c)) for i, c in enumerate(clients[:FIRST_WAVE])]
        deadline = time.monotonic() + 20
        while not any(c.answers for c in clients[:FIRST_WAVE]) or not any(
            c.in_flight for c in clients[:FIRST_WAVE]
        ):
            assert time.monotonic() < deadline, "no moment with ballots answered and in flight"
            await asyncio.sleep(0.001)
        await asyncio.to_thread(postgres.stop, "fast")
        stopped_at = time.monotonic()
        first_wave = await asyncio.gather(*wave)
        in_flight = [a for a in first_wave if a["type"] == "error"]
        assert {a["code"] for a in in_flight} <= {"database_unavailable"}, in_flight
        assert in_flight, "the stop came after the wave: nothing was in flight"

        # The live channel during the outage: an error with a stable code, connection kept.
        during = await asyncio.gather(
            *(clients[i].vote_once(choice_for(i), timeout=20) for i in range(FIRST_WAVE, DELEGATES))
        )
        assert {(a["type"], a["code"]) for a in during} == {("error", "database_unavailable")}
        refusal_delays = sorted(a["answered_at"] - a["sent_at"] for a in during)
        assert refusal_delays[-1] < ANSWER_WITHIN, refusal_delays[-3:]
        assert all(c._ws is not None for c in clients)  # nobody was disconnected

        # A connection that cannot start: the error, then close 4503.
        message, close_code = await refused_connection(first, data["assembly"], people[0]["token"])
        assert (message["type"], message["code"], close_code) == (
            "error",
            "database_unavailable",
            4503,
        )

        # The API: 503 in the error shape, the French message, Retry-After.
        for method, url, body in [
            ("GET", f"{first.url}/api/assemblies/", None),
            ("POST", poll_url, {"organisation": people[-1]["organisation"], "choice": "yes"}),
        ]:
            started = time.monotonic()
            status, headers, text = await asyncio.to_thread(
                http, method, url, token=people[-1]["token"], body=body
            )
            assert time.monotonic() - started < ANSWER_WITHIN
            assert status == 503, text
            assert json.loads(text) == {
                "code": "database_unavailable",
                "message": str(MESSAGE),
                "details": {},
            }
            assert headers.get("Retry-After") == "5"
        # A page: a clear 503 page, in French.
        status, _headers, page = await asyncio.to_thread(
            http,
            "GET",
            f"{first.url}/assemblees/",
            cookie=f"sessionid={data['secretariat_session']}",
        )
        assert status == 503
        assert "Service momentanément indisponible" in page
        assert str(MESSAGE).replace("'", "&#x27;") in page
        assert first.alive() and second.alive()
        outage = time.monotonic() - stopped_at

        await asyncio.to_thread(postgres.start)
        back_at = time.monotonic()
        while True:
            status, _headers, _text = await asyncio.to_thread(
                http, "GET", f"{first.url}/api/assemblies/", token=people[-1]["token"]
            )
            if status == 200:
                break
            assert time.monotonic() - back_at < 15, status
            await asyncio.sleep(0.1)
        api_back = time.monotonic() - back_at

        # Every delegate without an acknowledgement sends again: acknowledged, or told that
        # the earlier attempt was recorded (`already_voted`).
        acked = {a["organisation"]: a for a in first_wave if a["type"] == "vote.ack"}
        settle_deadline = time.monotonic() + 30
        retried = await asyncio.gather(
            *(
                c.vote_until_settled(choice_for(i), settle_deadline)
                for i, c in enumerate(clients)
                if c.organisation not in acked
            )
        )
    finally:
        await stop_all(clients)

    acks = [*acked.values(), *(a for a in retried if a["type"] == "vote.ack")]
    already = [a for a in retried if a["type"] == "error" and a["code"] == "already_voted"]
    assert len(acks) + len(already) == DELEGATES, [a for a in retried if a not in acks + already]
    final = await asyncio.to_thread(manage, env, "close", str(data["poll"]))
    assert_consistent(final, acks)
    assert len(final["ballots"]) == DELEGATES
    assert first.alive() and second.alive()

    figures["votes in flight at the stop (answered database_unavailable)"] = len(in_flight)
    figures["of which committed before the cut (already_voted on re-send)"] = len(already)
    figures["votes refused during the outage"] = len(during)
    figures["refusal delay median / max s"] = (
        f"{refusal_delays[len(refusal_delays) // 2]:.3f} / {refusal_delays[-1]:.3f}"
    )
    figures["outage length s"] = f"{outage:.1f}"
    figures["pg_ctl start -> API answers 200 s"] = f"{api_back:.2f}"
    figures["ballots in the database / half-written"] = f"{len(final['ballots'])} / 0"
