"""WebSocket doors: the origin is checked on every route, and the bad-input checks of
`ws_bad_input.py` catch what they promise to catch.

Generic: the routes come from `alliance.routing.websocket_urlpatterns`, so the consumers
merged later are covered as they are.
"""

import contextlib
import json
import re

import pytest
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.testing import WebsocketCommunicator
from django.urls import URLPattern, URLResolver

from alliance.asgi import application
from alliance.routing import websocket_urlpatterns
from tests.security import ws_bad_input
from tests.security.site import CONVERTER_SAMPLES
from tests.security.ws_bad_input import run_in_own_loop as run

FOREIGN_ORIGINS = [b"http://evil.example", b"https://testserver.evil.example", b"null"]


def websocket_paths(patterns=websocket_urlpatterns, prefix="/") -> list[str]:
    """A sample path for every WebSocket route (path converters filled with valid values)."""
    paths = []
    for entry in patterns:
        pattern = str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            paths.extend(websocket_paths(entry.url_patterns, prefix + pattern))
        elif isinstance(entry, URLPattern):
            paths.append(
                re.sub(
                    r"<(?:(\w+):)?\w+>",
                    lambda m: CONVERTER_SAMPLES.get(m.group(1) or "str", "x"),
                    prefix + pattern,
                )
            )
    return paths


# With no route on this branch, the application is checked on an unrouted path: the origin
# check comes before routing, so it must refuse there too.
ROUTES = websocket_paths() or ["/ws/no-route-yet/"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("origin", FOREIGN_ORIGINS)
@pytest.mark.parametrize("path", ROUTES)
def test_a_foreign_origin_is_refused_on_every_route(path, origin):
    assert not run(connects, path, [(b"origin", origin), (b"host", b"testserver")])


async def connects(path, headers) -> bool:
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _code = await communicator.connect(timeout=3)
    await communicator.disconnect()
    return connected


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ROUTES)
def test_a_connection_without_origin_is_refused(path):
    assert not run(connects, path, [(b"host", b"testserver")])


@pytest.mark.django_db(transaction=True)
def test_the_site_origin_passes_the_check():
    """The refusals above are the origin check's: the site's own origin reaches the router
    (which, for an unknown path, raises "No route found")."""
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    with pytest.raises(ValueError, match="No route found"):
        run(connects, "/ws/no-such-route/", headers)


def test_the_routes_found_are_reported(capsys):
    with capsys.disabled():
        print(f"\n  WebSocket origin check: {len(websocket_paths())} routes {websocket_paths()}")
    assert ROUTES


# --- The bad-input checks, proven on two small consumers ------------------------------------


class ContractConsumer(AsyncJsonWebsocketConsumer):
    """Follows the conventions: every bad input answers an error and keeps the connection."""

    MAX_PER_SECOND = 20

    async def connect(self):
        self.received = 0
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        self.received += 1
        if self.received > self.MAX_PER_SECOND:
            return await self.error("rate_limited")
        if text_data is None or len(text_data.encode()) > ws_bad_input.MAX_FRAME_BYTES:
            return await self.error("message_too_large")
        try:
            message = json.loads(text_data)
        except ValueError:
            return await self.error("malformed_message")
        if not isinstance(message, dict):
            return await self.error("malformed_message")
        if message.get("type") != "ping":
            return await self.error("unknown_type")
        await self.send_json({"type": "pong"})

    async def error(self, code):
        await self.send_json({"type": "error", "code": code, "message": code.replace("_", " ")})


class NaiveConsumer(AsyncJsonWebsocketConsumer):
    """What a consumer does without care: crashes on bad JSON, echoes anything."""

    async def connect(self):
        await self.accept()

    async def receive_json(self, content, **kwargs):
        await self.send_json({"type": "echo", "length": len(content)})


async def connected(consumer):
    communicator = WebsocketCommunicator(consumer.as_asgi(), "/ws/test/")
    ok, _ = await communicator.connect()
    assert ok
    return communicator


CHECKS = [
    ws_bad_input.check_malformed_json,
    ws_bad_input.check_unknown_type,
    ws_bad_input.check_oversized_frame,
    ws_bad_input.check_flood,
]


def test_a_consumer_that_follows_the_contract_passes_every_check():
    async def scenario():
        await ws_bad_input.check_all(lambda: connected(ContractConsumer))
        other = await connected(ContractConsumer)
        await ws_bad_input.assert_other_client_unaffected(other, {"type": "ping"}, "pong")
        await other.disconnect()

    run(scenario)


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_a_careless_consumer_fails_every_check(check):
    async def scenario():
        communicator = await connected(NaiveConsumer)
        try:
            await check(communicator)
        finally:
            with contextlib.suppress(Exception):  # the careless consumer may have crashed
                await communicator.disconnect()

    with pytest.raises(AssertionError):
        run(scenario)


# Scheme, host and port of the Origin must be the site's (alliance/origin.py): (Origin, Host,
# other headers, settings). The site is reached as Host says; it is https when it redirects
# to https, when the proxy says so (X-Forwarded-Proto) or when the socket is wss.
SECURE = {"SECURE_SSL_REDIRECT": True}
FORWARDED = [(b"x-forwarded-proto", b"https")]
REFUSED_ORIGINS = {
    "other port": (b"http://testserver:8080", b"testserver", [], {}),
    "other port, both given": (b"http://testserver:8000", b"testserver:8001", [], {}),
    "other scheme (https page, http site)": (b"https://testserver", b"testserver", [], {}),
    "other scheme (http page, https site)": (b"http://testserver", b"testserver", [], SECURE),
    "other scheme (http page, site behind TLS)": (
        b"http://testserver",
        b"testserver",
        FORWARDED,
        {},
    ),
    "other host, both allowed": (b"http://localhost", b"testserver", [], {}),
    "host not allowed": (b"http://evil.example", b"evil.example", [], {}),
    "no Host": (b"http://testserver", None, [], {}),
    "a path": (b"http://testserver/x", b"testserver", [], {}),
    "credentials": (b"http://a@testserver", b"testserver", [], {}),
}
ACCEPTED_ORIGINS = {
    "the exact origin": (b"http://testserver", b"testserver", [], {}),
    "the default port spelt out": (b"http://testserver:80", b"testserver", [], {}),
    "a port": (b"http://localhost:8000", b"localhost:8000", [], {}),
    "https site": (b"https://testserver", b"testserver", [], SECURE),
    "behind a TLS proxy": (b"https://testserver", b"testserver:443", FORWARDED, {}),
}


def _origin_headers(origin, host, extra):
    return [(b"origin", origin), *([(b"host", host)] if host else []), *extra]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("origin", "host", "extra", "overrides"), REFUSED_ORIGINS.values(), ids=list(REFUSED_ORIGINS)
)
def test_an_origin_of_another_scheme_host_or_port_is_refused(
    settings, origin, host, extra, overrides
):
    for name, value in overrides.items():
        setattr(settings, name, value)
    # Past the check, the router would raise "No route found" for this path: refused before.
    assert not run(connects, "/ws/no-such-route/", _origin_headers(origin, host, extra))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("origin", "host", "extra", "overrides"), ACCEPTED_ORIGINS.values(), ids=list(ACCEPTED_ORIGINS)
)
def test_the_sites_exact_origin_is_accepted(settings, origin, host, extra, overrides):
    for name, value in overrides.items():
        setattr(settings, name, value)
    with pytest.raises(ValueError, match="No route found"):  # past the origin check
        run(connects, "/ws/no-such-route/", _origin_headers(origin, host, extra))
