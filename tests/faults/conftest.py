"""Fixtures of the fault harness: private services for the session, two fresh daphne
processes per test. Everything is stopped and removed at the end, even after a failure."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import requires
from tests.faults.services import (
    Daphne,
    PrivatePostgres,
    PrivateRedis,
    django_env,
    manage,
    postgres_bin,
)

pytestmark = pytest.mark.faults


@pytest.fixture(scope="session")
def postgres():
    requires(postgres_bin() is not None, "PostgreSQL server binaries (initdb, pg_ctl) not found")
    if os.geteuid() == 0:
        requires(shutil.which("runuser") is not None, "runuser is needed to run initdb as postgres")
    server = PrivatePostgres()
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="session")
def redis():
    requires(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = PrivateRedis()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def migrated(postgres, redis):
    """A migrated template database; each test gets its own copy."""
    postgres.create_database("template_alliance")
    manage(django_env(postgres, redis, "template_alliance"), "migrate", timeout=180)
    return "template_alliance"


@pytest.fixture
def env(postgres, redis, migrated, request):
    """The environment of the test's Django processes, on a fresh copy of the database."""
    name = f"faults_{request.node.name[5:40]}"
    postgres.create_database(name, template=migrated)
    return django_env(postgres, redis, name)


@pytest.fixture
def daphnes(env, redis, postgres):
    """Two daphne processes on the private database and Redis; stopped after the test."""
    started: list[Daphne] = []
    try:
        started.append(Daphne(env))
        started.append(Daphne(env))
        yield started
    finally:
        for server in started:
            server.stop()


FIGURES: dict[str, dict] = {}


@pytest.fixture
def figures(request):
    """`figures["name"] = value`: printed at the end of the run (docs/RELIABILITY.md quotes them)."""
    found: dict = {}
    FIGURES[request.node.name] = found
    return found


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("fault harness figures")
    for test, found in FIGURES.items():
        terminalreporter.write_line(f"{test}:")
        for name, value in found.items():
            terminalreporter.write_line(f"    {name}: {value}")
