"""The scenarios of issue 7, each measured beside its bare baseline in the same run.

Every scenario is `async def scenario(config, servers, args) -> (rows, details)`; a row is
one line of the table in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import time
from collections import Counter

from asgiref.sync import sync_to_async

from bench import processes
from bench.baselines import run as baselines
from bench.client import LiveClient, close_all, connect_many, percentile
from bench.http_load import LoadResult
from bench.http_load import run_async as http_load
from bench.measure import hold_connections, steady_ack_rate, vote_to_every_screen
from bench.report import RESULTS

FINAL_TALLY_TIMEOUT = 15.0  # seconds from the last ack for every client to hold the final tally
# The bare Channels baseline on Redis loses its tallies at these sizes (PERFORMANCE.md): after
# this many unseen votes in a row, with none seen, the rest is not waited for (30 s each).
BARE_CHANNELS_GIVE_UP = 3
API_ROUNDS = 4  # turns of the API page and of the bare view, each taking every other turn first
BARE_VIEW = "/bench/bare-json/"


def row(scenario, measure, value, *, baseline=None, target="", met=None, ratio=None):
    if ratio is None and baseline not in (None, 0) and isinstance(value, int | float):
        ratio = value / baseline
    return {
        "scenario": scenario,
        "measure": measure,
        "value": value,
        "baseline": "" if baseline is None else baseline,
        "ratio": "" if ratio is None else ratio,
        "target": target,
        "met": met,
    }


@sync_to_async
def seeded():
    from alliance.scale import bench_tokens
    from assemblies.models import Assembly

    assembly = Assembly.objects.get(slug="bench-assembly")
    polls = list(assembly.polls.order_by("pk").values_list("pk", flat=True))
    return assembly.pk, polls, bench_tokens(100_000)


def live_clients(servers, assembly_id, tokens) -> list[LiveClient]:
    clients = []
    for index, (_user, _organisation, token) in enumerate(tokens):
        server = servers[index % len(servers)]
        clients.append(
            LiveClient(
                f"ws://127.0.0.1:{server.port}/ws/assemblies/{assembly_id}/",
                token=token,
                origin=f"http://127.0.0.1:{server.port}",
            )
        )
    return clients


async def live(config, servers, args):
    """Held connections and vote-to-every-screen, at each size, with their baselines."""
    assembly_id, polls, tokens = await seeded()
    rows, details = [], {}
    first_poll = polls[0]
    voted = 0
    for size in (int(s) for s in args.sizes.split(",")):
        clients = live_clients(servers, assembly_id, tokens[:size])
        held = await hold_connections(servers, clients, args.hold, close=False)
        if held["connect_errors"]:
            raise RuntimeError(f"{held['connect_errors']} of {size} delegates could not connect")
        base_server = processes.start_python("ws-baseline", "bench.baselines.ws_broadcast")
        try:
            base_held = await baselines.held_baseline(
                base_server, f"ws://127.0.0.1:{base_server.port}/", size, args.baseline_hold
            )
            base_latency = await baselines.broadcast_latency(
                f"ws://127.0.0.1:{base_server.port}/", size, args.votes
            )
        finally:
            base_server.stop()

        async def cast(i, clients=clients, offset=voted):
            _user, organisation, _token = tokens[offset + i]
            answer, _sent, _answered = await clients[offset + i].vote(
                first_poll, organisation, "yes"
            )
            if answer.get("type") != "vote.ack":
                raise RuntimeError(f"vote refused: {answer}")
            return first_poll, answer["seq"]

        latency = await vote_to_every_screen(clients, args.votes, cast)
        voted += args.votes
        await close_all(clients)
        bare_channels = await baselines.broadcast_latency(
            f"ws://127.0.0.1:{servers[0].port}/ws/bench/bare/",
            size,
            args.votes,
            give_up_after=BARE_CHANNELS_GIVE_UP,
        )
        target = 600 if size <= 2000 else 1500
        name = f"{size} delegates"
        rows += [
            row(
                f"held, {name}",
                "unexpected closes",
                held["unexpected_closes"] + held["connect_errors"],
                target="0",
                met=held["unexpected_closes"] + held["connect_errors"] == 0,
            ),
            row(
                f"held, {name}",
                "memory per connection (KiB)",
                held["rss_per_connection_kib"],
                baseline=base_held["rss_per_connection_kib"],
                target="<= 100",
                met=held["rss_per_connection_kib"] <= 100,
            ),
            row(
                f"held, {name}",
                "idle CPU (share of a core)",
                held["idle_cpu_share"],
                baseline=base_held["idle_cpu_share"],
            ),
            row(
                f"vote to every screen, {name}",
                "p50 (ms)",
                latency["p50_ms"],
                baseline=base_latency["p50_ms"],
            ),
            row(
                f"vote to every screen, {name}",
                "p99 (ms)",
                latency["p99_ms"],
                baseline=base_latency["p99_ms"],
                target=f"<= {target}",
                met=latency["p99_ms"] is not None
                and latency["p99_ms"] <= target
                and not latency["votes_not_seen_by_every_screen"],
            ),
            row(
                f"vote to every screen, {name}",
                "p99 vs bare Channels consumer",
                latency["p99_ms"],
                baseline=bare_channels["p99_ms"],
            ),
            row(
                f"vote to every screen, {name}",
                f"votes of {args.votes} not seen by every screen in 30 s (baseline: bare "
                f"Channels, of the votes it was sent: {bare_channels['votes']})",
                latency["votes_not_seen_by_every_screen"],
                baseline=bare_channels["votes_not_seen_by_every_screen"],
                ratio="",
                target="0",
                met=not latency["votes_not_seen_by_every_screen"],
            ),
        ]
        details[name] = {
            "held": held,
            "baseline_held": base_held,
            "latency": latency,
            "baseline_websockets": base_latency,
            "baseline_bare_channels": bare_channels,
        }
    return rows, details


@sync_to_async
def database_truth(poll_ids) -> dict:
    from assemblies.models import Ballot, Poll, VoteRecord
    from assemblies.selectors import poll_tally

    truth = {}
    for poll in Poll.objects.filter(pk__in=poll_ids):
        ballots = Ballot.objects.filter(poll=poll).count()
        records = VoteRecord.objects.filter(poll=poll).count()
        distinct = VoteRecord.objects.filter(poll=poll).values("organisation").distinct().count()
        tally = poll_tally(poll)
        truth[poll.pk] = {
            "ballots": ballots,
            "vote_records": records,
            "distinct_organisations": distinct,
            "tally_ballots": tally["ballots"],
            "tally_seq": tally["seq"],
            "tally_yes": tally["totals"].get("yes") if isinstance(tally["totals"], dict) else None,
        }
    return truth


async def _send_votes(clients, plan, rate=None):
    """`plan` is a list of (client index, poll, organisation). Sends at `rate` per second
    (or all at once). Returns the answers with their send and answer times, the seconds until
    the last answer, and how late the latest send ran on its schedule."""
    results = []
    behind = 0.0  # the most a send was late on its schedule: the client's own limit

    async def one(index, poll, organisation, planned):
        nonlocal behind
        try:
            answer, sent, answered = await clients[index].vote(poll, organisation, "yes")
            results.append((answer, sent, answered, poll))
            behind = max(behind, sent - planned)
        except Exception as exc:
            results.append(({"type": "error", "code": f"client:{type(exc).__name__}"}, 0, 0, poll))

    tasks = []
    started = time.perf_counter()
    for k, (index, poll, organisation) in enumerate(plan):
        planned = started + k / rate if rate else started
        if rate:
            delay = planned - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(index, poll, organisation, planned)))
    await asyncio.gather(*tasks)
    return results, time.perf_counter() - started, behind


async def _until_every_client_holds(clients, truth, timeout=FINAL_TALLY_TIMEOUT) -> float:
    """Seconds until every client holds a tally of each poll counting all its ballots (the
    last tallies are coalesced, and paced on large rooms), `timeout` at most: a client still
    short then is reported by the exactness check, not waited for."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        behind = any(
            _last_seq(c, poll) < expected["ballots"]
            for c in clients
            for poll, expected in truth.items()
        )
        if not behind:
            break
        await asyncio.sleep(0.1)
    return time.perf_counter() - started


def _last_seq(client, poll) -> int:
    """The seq of the last tally of `poll` the client received: a poll's seq never goes down
    on a connection, so it is also the highest."""
    return next((t.seq for t in reversed(client.tallies) if t.poll == poll), 0)


def exact(r: dict) -> bool:
    return (
        r["lost"] == 0
        and r["doubled"] == 0
        and not r["tally_mismatch_polls"]
        and not r["clients_not_at_final_seq"]
    )


def _exactness(results, truth, clients, polls_used) -> dict:
    acks = Counter(poll for answer, _s, _a, poll in results if answer.get("type") == "vote.ack")
    errors = Counter(
        answer.get("code") for answer, *_ in results if answer.get("type") != "vote.ack"
    )
    lost = sum(max(0, acks[p] - truth[p]["ballots"]) for p in polls_used)
    doubled = sum(truth[p]["vote_records"] - truth[p]["distinct_organisations"] for p in polls_used)
    mismatched = [p for p in polls_used if truth[p]["tally_ballots"] != truth[p]["ballots"]]
    last_seen = {
        p: min(max((t.seq for t in c.tallies if t.poll == p), default=0) for c in clients)
        for p in polls_used
    }
    stale_clients = [p for p in polls_used if last_seen[p] != truth[p]["ballots"]]
    return {
        "acks": sum(acks.values()),
        "errors": dict(errors),
        "lost": lost,
        "doubled": doubled,
        "tally_mismatch_polls": mismatched,
        "clients_not_at_final_seq": stale_clients,
    }


async def throughput(config, servers, args):
    assembly_id, polls, tokens = await seeded()
    organisations = args.organisations
    clients = live_clients(servers, assembly_id, tokens[:organisations])
    connect_started = time.perf_counter()
    errors = await connect_many(clients)
    if errors:
        raise RuntimeError(f"{len(errors)} connections failed: {errors[0]!r}")
    connect_seconds = time.perf_counter() - connect_started
    print(
        f"  connected in {connect_seconds:.1f} s; sustained votes ...", file=sys.stderr, flush=True
    )
    # The client's heap now holds 5,000 connections, and full collections of it delayed the
    # sends: 61.0 s to send 60 s of votes, 60.4 to 60.6 s with the heap frozen.
    gc.collect()
    gc.freeze()
    try:
        return await _measure_throughput(config, args, clients, polls, tokens, connect_seconds)
    finally:
        gc.unfreeze()


async def _measure_throughput(config, args, clients, polls, tokens, connect_seconds):
    organisations = args.organisations
    sustained_total = int(args.rate * args.sustain)
    sustained_polls = polls[1:-1]
    plan = [
        (k % organisations, sustained_polls[k // organisations], tokens[k % organisations][1])
        for k in range(sustained_total)
    ]
    results, seconds, behind_schedule = await _send_votes(clients, plan, rate=args.rate)
    burst_poll = polls[-1]
    burst_plan = [(k, burst_poll, tokens[k][1]) for k in range(min(args.burst, organisations))]
    burst_results, burst_seconds, _behind = await _send_votes(clients, burst_plan)
    truth = await database_truth([*sustained_polls, burst_poll])
    final_tally_seconds = await _until_every_client_holds(clients, truth)
    sustained = _exactness(results, truth, clients, sustained_polls)
    burst = _exactness(burst_results, truth, clients, [burst_poll])
    await close_all(clients)
    acked = [(s, a) for answer, s, a, _p in results if answer.get("type") == "vote.ack"]
    ack_latencies = [a - s for s, a in acked]
    raw = await asyncio.to_thread(
        baselines.raw_inserts_postgres if config.is_postgres else baselines.raw_inserts_sqlite,
        *(
            ("postgresql://postgres@127.0.0.1:5432/alliance_bench",)
            if config.is_postgres
            else (str(RESULTS / "raw.sqlite3"),)
        ),
        5000,
    )
    achieved = sustained["acks"] / seconds
    sends = [s for _answer, s, _a, _p in results if s]
    send_span = max(sends) - min(sends) if sends else 0.0  # did the client keep its pace?
    warm_up = min(10.0, args.sustain / 6)
    steady = steady_ack_rate(acked, warm_up=warm_up) if acked else 0.0
    rows = [
        row(
            "votes sustained",
            f"seconds for {organisations} delegates to connect (each is sent the state)",
            connect_seconds,
        ),
        row(
            "votes sustained",
            f"acknowledged votes/s (asked {args.rate}/s for {args.sustain:.0f} s)",
            achieved,
            baseline=raw["per_second"],
            target=f">= {args.rate}",
            met=achieved >= args.rate * 0.98,
        ),
        row(
            "votes sustained",
            f"acknowledged votes/s once running (from {warm_up:g} s to the last send)",
            steady,
        ),
        row(
            "votes sustained",
            f"seconds the client took to send them (planned {(sustained_total - 1) / args.rate:g})",
            send_span,
        ),
        row("votes sustained", "the client's latest send behind its schedule (s)", behind_schedule),
        row("votes sustained", "ack latency p99 (ms)", percentile(ack_latencies, 0.99) * 1000),
        row(
            "votes sustained",
            "exact: 0 lost, 0 doubled, tally = database, every client at the final seq",
            "yes" if exact(sustained) else "no",
            target="yes",
            met=exact(sustained),
        ),
        row(
            "votes burst",
            f"{len(burst_plan)} votes, seconds to the last ack",
            burst_seconds,
            target="<= 10",
            met=burst_seconds <= 10,
        ),
        row("votes burst", "last ack to the final tally on every screen (s)", final_tally_seconds),
        row(
            "votes burst",
            "exact: 0 lost, 0 doubled, tally = database, every client at the final seq",
            "yes" if exact(burst) else "no",
            target="yes",
            met=exact(burst),
        ),
    ]
    details = {
        "connect_seconds": connect_seconds,
        "sustained": sustained,
        "burst": burst,
        "raw_inserts": raw,
        "seconds": seconds,
    }
    return rows, {**details, "last_ack_to_final_tally_everywhere_s": final_tally_seconds}


@sync_to_async
def api_setup():
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from alliance.scale import bench_tokens
    from deliberation.services import thread_for
    from proposals.scale import bench_proposal

    thread = thread_for(bench_proposal())
    token = bench_tokens(1)[0][2]
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    first = client.get(f"/api/threads/{thread.pk}/comments/")
    assert first.status_code == 200, first.content[:300]
    middle = max(1, -(-first.json()["count"] // 50) // 2)  # a page in the middle of the thread
    path = f"/api/threads/{thread.pk}/comments/?page={middle}"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    query_count = len(queries)  # now: each later request empties Django's query log
    cpu_ms = {
        "product": cpu_per_request(client, path),
        "bare": cpu_per_request(Client(), BARE_VIEW),
    }
    return path, token, query_count, cpu_ms


def cpu_per_request(client, path: str, requests: int = 200) -> float:
    """Milliseconds of this process's CPU per request, in-process (no server, no HTTP): what
    the view itself costs, beside what the server adds (docs/PERFORMANCE.md, API)."""
    for _ in range(20):
        client.get(path)
    started = time.process_time()
    for _ in range(requests):
        client.get(path)
    return (time.process_time() - started) / requests * 1000


async def api(config, servers, args):
    """The API page and the bare view take turns (product, bare, bare, product...): a change
    of the machine's speed during the run weighs on both sides of the ratio alike."""
    path, token, queries, cpu_ms = await api_setup()
    headers = {"Authorization": f"Token {token}"}
    per_round = max(1, args.api_requests // len(servers) // API_ROUNDS)
    runs = {path: [[] for _ in servers], BARE_VIEW: [[] for _ in servers]}

    async def load(target, target_headers):
        results = await asyncio.gather(
            *(
                http_load(s.port, target, 32 // len(servers), per_round, target_headers)
                for s in servers
            )
        )
        for per_server, result in zip(runs[target], results, strict=True):
            per_server.append(result)

    for round_ in range(API_ROUNDS):
        turns = [(path, headers), (BARE_VIEW, None)]
        for target, target_headers in turns if round_ % 2 == 0 else reversed(turns):
            await load(target, target_headers)
    product = [LoadResult.combined(r) for r in runs[path]]
    bare = [LoadResult.combined(r) for r in runs[BARE_VIEW]]
    rate = sum(r.per_second for r in product)
    bare_rate = sum(r.per_second for r in bare)
    latencies = [lat for r in product for lat in r.latencies]
    p99 = percentile(latencies, 0.99) * 1000
    errors = sum(r.errors for r in product)
    rows = [
        row(
            "API: 50 of 10,000 comments, 32 concurrent",
            "requests/s",
            rate,
            baseline=bare_rate,
            target=">= 0.4 x bare",
            met=rate >= 0.4 * bare_rate,
        ),
        row(
            "API: 50 of 10,000 comments, 32 concurrent",
            "p99 (ms)",
            p99,
            baseline=percentile([x for r in bare for x in r.latencies], 0.99) * 1000,
            target="<= 100",
            met=p99 <= 100,
        ),
        row(
            "API: 50 of 10,000 comments, 32 concurrent",
            "CPU per request in-process, no server (ms)",
            cpu_ms["product"],
            baseline=cpu_ms["bare"],
        ),
        row(
            "API: 50 of 10,000 comments, 32 concurrent",
            "queries per request",
            queries,
            target="<= 3",
            met=queries <= 3,
        ),
        row(
            "API: 50 of 10,000 comments, 32 concurrent",
            "non-200 answers",
            errors,
            target="0",
            met=errors == 0,
        ),
    ]
    details = {"path": path, "requests": sum(r.requests for r in product), "cpu_ms": cpu_ms}
    return rows, details


@sync_to_async
def render_pages(args):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from alliance.models import User
    from deliberation.scale import seed_comments
    from proposals.scenarios import services

    steering = User.objects.get(username="bench-copil")
    authors = list(User.objects.filter(username__startswith="bench-d").order_by("pk")[:200])
    measured = {}
    for count in (100, args.page_comments):
        slug = f"bench-page-{count}"
        proposal = services.proposal_create(
            actor=steering,
            title=f"Page de {count} commentaires",
            body="Texte.",
            by_steering_committee=True,
            slug=slug,
        )
        services.proposal_set_status(actor=steering, proposal=proposal, status="open")
        seed_comments(target=proposal, count=count, authors=authors)
        client = Client()
        client.force_login(authors[0])
        url = f"/propositions/{slug}/"
        assert client.get(url).status_code == 200
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            client.get(url)
            timings.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        measured[count] = {"p50_ms": percentile(timings, 0.5) * 1000, "queries": len(queries)}
    return measured


async def pages(config, servers, args):
    measured = await render_pages(args)
    big, small = measured[args.page_comments], measured[100]
    rows = [
        row(
            f"proposal page, {args.page_comments} comments",
            "render p50 (ms)",
            big["p50_ms"],
            baseline=small["p50_ms"],
            target="<= 150",
            met=big["p50_ms"] <= 150,
        ),
        row(
            f"proposal page, {args.page_comments} comments",
            "queries (100 comments: baseline)",
            big["queries"],
            baseline=small["queries"],
            target="constant",
            met=big["queries"] == small["queries"],
        ),
    ]
    return rows, measured


ALL = [("live", live), ("throughput", throughput), ("api", api), ("pages", pages)]
