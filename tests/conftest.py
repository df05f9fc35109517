"""Fixtures shared by the whole suite: people by role, an API client, a real daphne server
and a Chromium browser driven by Playwright."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from asgiref.sync import SyncToAsync
from django.db import connection, connections
from rest_framework.test import APIClient

from tests.factories import (
    AdminFactory,
    DelegateFactory,
    OrganisationFactory,
    SecretariatFactory,
    SteeringCommitteeFactory,
    UserFactory,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def requires(condition: bool, reason: str):
    """Skip locally when a tool or service is missing; in CI a missing one is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: nothing may skip)")
    pytest.skip(reason)


def pytest_addoption(parser):
    parser.addoption(
        "--faults",
        action="store_true",
        help="run the fault harness (tests/faults, marker `faults`) and nothing else",
    )


def pytest_collection_modifyitems(config, items):
    """The fault harness runs only with --faults (`make test-faults`), and then alone: it
    starts and breaks its own PostgreSQL, Redis and daphne processes.

    Browser tests last: Playwright's sync API leaves its event loop set on the main thread
    for the rest of the session, and pytest-asyncio cannot run async tests after it."""
    faults = config.getoption("--faults")
    kept, dropped = [], []
    for item in items:
        (kept if (item.get_closest_marker("faults") is not None) == faults else dropped).append(
            item
        )
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in French, whatever the previous one activated."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.activate("fr")


# --- People ---------------------------------------------------------------------------------


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def member(organisation):
    return UserFactory(organisation=organisation)


@pytest.fixture
def delegate(organisation):
    return DelegateFactory(organisation=organisation)


@pytest.fixture
def other_delegate(db):
    return DelegateFactory()


@pytest.fixture
def steering(db):
    return SteeringCommitteeFactory()


@pytest.fixture
def secretariat(db):
    return SecretariatFactory()


@pytest.fixture
def admin_user(db):
    return AdminFactory()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as(api_client):
    """`api_as(user)` returns an API client authenticated as that person (or anonymous)."""

    def login(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return login


# --- Real servers -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_for_subprocess() -> str:
    """The test database, as a URL a separate process can open."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    password = settings.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{auth}{host}:{port}/{settings['NAME']}"


class DaphneServer:
    """A real daphne process serving the project on the test database."""

    def __init__(self, port: int, env: dict):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}"
        log = open(PROJECT_ROOT / f".daphne-{port}.log", "w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "alliance.asgi:application",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited: see .daphne-{port}.log")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("daphne did not start within 30 s")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_daphne(**extra_env) -> DaphneServer:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alliance.test_settings",
        "ALLIANCE_LIVE_SERVER": "1",
        "DATABASE_URL": database_url_for_subprocess(),
        **extra_env,
    }
    return DaphneServer(free_port(), env)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's test databases, and before they are dropped, the connection of the
    thread where async tests run their ORM calls (asgiref's one `sync_to_async` thread) goes
    back to the pool: it stayed lent to that thread, so the pool could not close it, and
    PostgreSQL refused to drop the database ("being accessed by other users")."""
    yield
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture(scope="session")
def live_server_daphne(django_db_setup, django_db_blocker):
    """One daphne process for the session. Tests that use it need `transactional_db` so that
    their data is committed and visible to it."""
    with django_db_blocker.unblock():
        server = start_daphne()
    yield server
    server.stop()


@pytest.fixture
def live(live_server_daphne, transactional_db):
    return live_server_daphne


# --- Browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    requires(path is not None, "Chromium is not installed (apt-get install -y chromium)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live):
    """`new_page(user=None, phone=False)` opens a page in a fresh context, signed in as `user`."""
    from django.conf import settings
    from django.test import Client

    contexts = []

    def open_page(user=None, *, phone=False, locale="fr-FR"):
        options = {"locale": locale, "base_url": live.url}
        if phone:
            options.update(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live.url}]
            )
        page = context.new_page()
        return page

    yield open_page
    for context in contexts:
        context.close()
