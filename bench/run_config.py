"""Run every scenario on one configuration: `python -m bench.run_config CONFIG [options]`.

Runs in its own process because Django reads DATABASE_URL and REDIS_URL once at start-up.
Seeds a fresh database, starts the servers, measures each scenario and its baseline in the
same run, and writes bench/results/CONFIG.json.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import sys
import time

from bench import configs, processes, report


def prepare_environment(config: configs.Config) -> None:
    os.environ.update(config.env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    report.RESULTS.mkdir(parents=True, exist_ok=True)
    if not config.is_postgres:
        for suffix in ("", "-wal", "-shm"):
            path = f"{configs.SQLITE_PATH}{suffix}"
            if os.path.exists(path):
                os.remove(path)
    else:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute("DROP DATABASE IF EXISTS alliance_bench WITH (FORCE)")
            c.execute("CREATE DATABASE alliance_bench")
    import django

    django.setup()


def seed(args) -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command(
        "seed_scale",
        organisations=args.organisations,
        delegates=args.organisations,
        comments=args.comments,
        polls=args.polls,
        stdout=open(os.devnull, "w"),
    )
    return {"seconds": time.perf_counter() - started}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("config", choices=sorted(configs.CONFIGS))
    parser.add_argument("--sizes", default="2000,5000", help="connected delegates, comma-separated")
    parser.add_argument("--hold", type=float, default=300, help="seconds to hold connections")
    parser.add_argument("--baseline-hold", type=float, default=30)
    parser.add_argument("--votes", type=int, default=30, help="votes timed to every screen")
    parser.add_argument("--rate", type=int, default=500, help="votes per second, sustained")
    parser.add_argument("--sustain", type=float, default=60, help="seconds of sustained votes")
    parser.add_argument("--burst", type=int, default=5000)
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--page-comments", type=int, default=1000)
    parser.add_argument("--api-requests", type=int, default=3200)
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    args.organisations = max(max(sizes), args.burst)
    # Sustained votes and the burst each need CAEs that have not voted yet: one motion per
    # `organisations` ballots.
    sustained = int(args.rate * args.sustain)
    args.polls = 1 + -(-sustained // args.organisations) + 1

    config = configs.CONFIGS[args.config]
    processes.raise_fd_limit()
    prepare_environment(config)
    from bench import scenarios

    seeded = seed(args)
    processes.pin_self_to_client_cores()
    servers = [
        processes.start_daphne(f"{config.name}-daphne{i + 1}", config.env)
        for i in range(config.daphne_processes)
    ]
    rows, details = [], {"seed": seeded}
    client_cpu_before = processes.own_cpu_seconds()
    started = time.perf_counter()
    only = set(filter(None, args.only.split(",")))
    selected = [(n, s) for n, s in scenarios.ALL if not only or n in only]
    previous = report.load(config.name)
    done: list[str] = []

    def save() -> None:
        """Called after each scenario, so that a run stopped midway keeps what it measured."""
        elapsed = time.perf_counter() - started
        details["client_cpu_share"] = (processes.own_cpu_seconds() - client_cpu_before) / elapsed
        payload = {
            "config": config.name,
            "title": config.title,
            "description": config.description,
            "finished_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "arguments": vars(args),
            "machine": report.machine(),
            "server_cores": processes.server_cores(),
            "client_cores": processes.client_cores(),
            "rows": rows,
            "details": details,
        }
        order = [name for name, _scenario in scenarios.ALL]
        report.save(config.name, report.result_of_run(previous, payload, done, order))

    try:
        for name, scenario in selected:
            print(f"[{config.name}] {name} ...", file=sys.stderr, flush=True)
            try:
                scenario_rows, scenario_details = asyncio.run(scenario(config, servers, args))
            except Exception as error:
                details.setdefault("failed", {})[name] = repr(error)
                save()
                raise
            rows += [{**r, "run": name} for r in scenario_rows]
            details[name] = scenario_details
            done.append(name)
            save()
    finally:
        for server in servers:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
