"""Baseline measurements, each the bare counterpart of a product scenario."""

from __future__ import annotations

import sqlite3
import time

from bench.client import LiveClient
from bench.measure import hold_connections, vote_to_every_screen


def ws_clients(url: str, count: int) -> list[LiveClient]:
    return [LiveClient(url) for _ in range(count)]


async def broadcast_latency(
    url: str, clients_count: int, votes: int, *, give_up_after: int | None = None
) -> dict:
    """Bare broadcast (websockets server or bare Channels consumer): one client sends, every
    client receives the resulting tally."""
    clients = ws_clients(url, clients_count)
    from bench.client import close_all, connect_many

    errors = await connect_many(clients)
    if len(errors) == len(clients):
        raise RuntimeError(f"no baseline connection succeeded: {errors[0]!r}")
    clients = [c for c in clients if c._ws is not None and not c.closed_unexpectedly]
    sender = clients[0]

    async def cast(i: int):
        before = max((t.seq for t in sender.tallies), default=0)
        await sender.send_raw({"type": "vote", "n": i})
        return None, before + 1

    try:
        measured = await vote_to_every_screen(clients, votes, cast, give_up_after=give_up_after)
        return {**measured, "connect_errors": len(errors)}  # measured on those connected
    finally:
        await close_all(clients)


async def held_baseline(server, url: str, count: int, seconds: float) -> dict:
    return await hold_connections([server], ws_clients(url, count), seconds)


def raw_inserts_postgres(dsn: str, count: int) -> dict:
    """Raw psycopg: one committed INSERT per ballot into a table with the same unique key."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_raw_ballot")
        connection.execute(
            "CREATE TABLE bench_raw_ballot (id bigserial PRIMARY KEY, poll int, organisation int,"
            " choice jsonb, weight numeric, UNIQUE (poll, organisation))"
        )
        started = time.perf_counter()
        for i in range(count):
            connection.execute(
                "INSERT INTO bench_raw_ballot (poll, organisation, choice, weight)"
                " VALUES (1, %s, '\"yes\"', 1)",
                (i,),
            )
        seconds = time.perf_counter() - started
        connection.execute("DROP TABLE bench_raw_ballot")
    return {"inserts": count, "seconds": seconds, "per_second": count / seconds}


def raw_inserts_sqlite(path: str, count: int) -> dict:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("DROP TABLE IF EXISTS bench_raw_ballot")
    connection.execute(
        "CREATE TABLE bench_raw_ballot (id integer PRIMARY KEY, poll int, organisation int,"
        " choice text, weight text, UNIQUE (poll, organisation))"
    )
    started = time.perf_counter()
    for i in range(count):
        connection.execute(
            "INSERT INTO bench_raw_ballot (poll, organisation, choice, weight) VALUES (1, ?, 'yes', '1')",
            (i,),
        )
    seconds = time.perf_counter() - started
    connection.execute("DROP TABLE bench_raw_ballot")
    connection.close()
    return {"inserts": count, "seconds": seconds, "per_second": count / seconds}
