"""Every role against every action of the API and the pages, as `role_matrix.py` declares.

One world (`roles_world.py`) is built for the module; each (action, role) check runs in a
savepoint rolled back after it, so one role's write never changes what the next role sees.
Requests run in-process (DRF's APIClient, Django's test Client) on the test database.

Besides the checks, the tests below fail when an action exists with no line in the matrix (an
operation of the OpenAPI schema, a route of the URL conf, or a method a route answers), or
when a line names an action that no longer exists.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from alliance import errors
from tests.security import site
from tests.security.role_matrix import API, EVERYONE, PAGES, rule
from tests.security.roles_world import DELEGATE, MEMBER, ROLES, build

LOGIN_PATH = "/connexion/"


@contextmanager
def rolled_back():
    """A savepoint undone at the end. Marked like TestCase's own blocks so that the services'
    `atomic(durable=True)` may nest in it, as they do in every test."""
    atomic = transaction.atomic()
    atomic._from_testcase = True
    atomic.__enter__()
    try:
        yield
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once for the module in a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def refusals(monkeypatch):
    """The codes of the domain errors raised during a request ("not_allowed" standing for
    every `NotAllowed`): pages catch them and show their message."""
    raised = []
    original = errors.AllianceError.__init__

    def record(self, *args, **kwargs):
        original(self, *args, **kwargs)
        raised.append("not_allowed" if isinstance(self, errors.NotAllowed) else self.code)

    monkeypatch.setattr(errors.AllianceError, "__init__", record)
    return raised


# --- Outcomes --------------------------------------------------------------------------------


def outcome(response, line, refused: list, world, *, page: bool) -> str:
    """'allowed', 'denied', or a failure to report."""
    status = response.status_code
    code = error_code(response)
    if status >= 500:
        return f"server error {status}"
    refused_by_rule = "not_allowed" in refused or line.refused_codes & {code, *refused}
    if status in (401, 403) or refused_by_rule:
        return "denied"
    if status == 404 and code in line.empty_codes:
        return "allowed"
    if status == 404:
        return "denied" if line.hides else "404 (the line did not reach its object)"
    if page and status in (301, 302):
        location = response["Location"]
        if location.startswith(LOGIN_PATH) or (
            line.refused_to is not None and location == line.refused_to(world)
        ):
            return "denied"
    return "allowed"


def error_code(response) -> str | None:
    if "json" not in response.get("Content-Type", ""):
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


def expected(line, role: str) -> str:
    return "allowed" if role in line.allow else "denied"


def resolve(value, world):
    return value(world) if callable(value) else value


def path_parameters(line, world) -> dict:
    """The `on` of a line, as values: world objects by name (slug for `slug`), or literals."""
    found = {}
    for name, value in line.on.items():
        if isinstance(value, str) and hasattr(world, value):
            target = getattr(world, value)
            value = target.slug if name == "slug" else target.pk
        found[name] = value
    return found


def verdict(action, role, got, want, line, world, *, done=None) -> str | None:
    if got not in ("allowed", "denied"):
        return f"{action} as {role}: {got}"
    if got != want:
        kind = "UNEXPECTED ALLOW" if got == "allowed" else "unexpected deny"
        return f"{action} as {role}: {kind}"
    if done is None and line.done is not None:
        done = line.done(world)
    if line.done is not None and done != (got == "allowed"):
        return f"{action} as {role}: {got}, yet the write {'did not' if got == 'allowed' else 'did'} happen"
    return None


# --- API ----------------------------------------------------------------------------------


def schema_operations() -> set[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
    }


def api_request(action, line, world, role):
    method, template = action.split(" ", 1)
    client = APIClient()
    person = world.person(role)
    if person is not None:
        client.force_authenticate(person)
    path = template.format(**path_parameters(line, world))
    if line.query:
        path += "?" + "&".join(f"{k}={v}" for k, v in line.query.items())
    body = resolve(line.body, world)
    return getattr(client, method.lower())(
        path, body, format="multipart" if line.multipart else "json"
    )


def test_every_api_operation_has_a_line_in_the_matrix():
    operations = schema_operations()
    assert sorted(operations - API.keys()) == [], "operations with no line in role_matrix.API"
    assert sorted(API.keys() - operations) == [], "lines of role_matrix.API with no operation"


@pytest.mark.parametrize("action", sorted(API))
def test_api_operation_as_every_role(action, world, db, refusals):
    line = API[action]
    failures = []
    for role in ROLES:
        with rolled_back():
            refusals.clear()
            response = api_request(action, line, world, role)
            got = outcome(response, line, refusals, world, page=False)
            failure = verdict(action, role, got, expected(line, role), line, world)
        if failure:
            failures.append(f"{failure} ({response.status_code} {response.content[:160]!r})")
    assert failures == [], "\n".join(failures)


# --- Pages --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sessions(world):
    """A session cookie per signed-in role (a fresh client per check carries it)."""
    cookies = {}
    for role in ROLES:
        person = world.person(role)
        if person is not None:
            client = Client()
            client.force_login(person)
            cookies[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


def page_routes() -> dict[str, str]:
    """Route name -> path template, for every page route of the URL conf."""
    return {route.name: route.template for route in site.page_routes()}


def page_request(action, line, world, role, sessions):
    method, name = action.split(" ", 1)
    client = Client()
    if role in sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    path = reverse(name, kwargs=path_parameters(line, world))
    if line.query:
        path += "?" + "&".join(f"{k}={v}" for k, v in line.query.items())
    if method == "GET":
        return client.get(path)
    return client.post(path, resolve(line.body, world) or {})


def test_every_page_route_has_a_line_in_the_matrix(world, db, sessions):
    """Every route has a line; a route that answers GET has a GET line, one that refuses
    GET (405) has a POST line (writes through GET+POST views are declared as POST lines)."""
    declared = {action.split(" ", 1)[1] for action in PAGES}
    routes = page_routes()
    assert sorted(routes.keys() - declared) == [], "page routes with no line in PAGES"
    assert sorted(declared - routes.keys()) == [], "lines of PAGES with no route"
    missing = []
    for name in routes:
        lines = [action for action in PAGES if action.split(" ", 1)[1] == name]
        line = PAGES[lines[0]]
        with rolled_back():
            client = Client()
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions["admin"]
            answers_get = client.get(reverse(name, kwargs=path_parameters(line, world)))
        wanted = "POST" if answers_get.status_code == 405 else "GET"
        if f"{wanted} {name}" not in PAGES:
            missing.append(f"{wanted} {name}")
    assert missing == []


@pytest.mark.parametrize("action", sorted(PAGES))
def test_page_as_every_role(action, world, db, refusals, sessions):
    line = PAGES[action]
    failures = []
    for role in ROLES:
        with rolled_back():
            refusals.clear()
            response = page_request(action, line, world, role, sessions)
            got = outcome(response, line, refusals, world, page=True)
            failure = verdict(action, role, got, expected(line, role), line, world)
        if failure:
            where = response.get("Location", "")
            failures.append(f"{failure} ({response.status_code} {where} {refusals})")
    assert failures == [], "\n".join(failures)


# --- The checker itself -----------------------------------------------------------------------


class FakeResponse(dict):
    def __init__(self, status_code, headers=None):
        super().__init__({"Content-Type": "text/html", **(headers or {})})
        self.status_code = status_code


@pytest.mark.parametrize(
    ("status", "headers", "refused", "page", "got"),
    [
        (200, None, [], False, "allowed"),
        (400, None, [], False, "allowed"),  # passed the rules, then a validation error
        (409, None, [], False, "allowed"),
        (401, None, [], False, "denied"),
        (403, None, [], False, "denied"),
        (302, {"Location": "/connexion/?next=/profil/"}, [], True, "denied"),
        (302, {"Location": "/debats/1/"}, ["not_allowed"], True, "denied"),  # shown as a message
        (302, {"Location": "/debats/1/"}, ["invalid"], True, "allowed"),
        (404, None, [], False, "404 (the line did not reach its object)"),
        (500, None, [], False, "server error 500"),
    ],
)
def test_the_checker_tells_allowed_from_denied(status, headers, refused, page, got):
    line = rule(EVERYONE)
    assert outcome(FakeResponse(status, headers), line, refused, None, page=page) == got


def test_the_checker_reports_unexpected_allows_and_denies_and_unwritten_writes():
    line = rule({DELEGATE}, done=lambda world: world)
    assert verdict("x", MEMBER, "allowed", "denied", line, True) == "x as member: UNEXPECTED ALLOW"
    assert verdict("x", DELEGATE, "denied", "allowed", line, False) == (
        "x as delegate of this CAE: unexpected deny"
    )
    assert "did not happen" in verdict("x", DELEGATE, "allowed", "allowed", line, False)
    assert "did happen" in verdict("x", MEMBER, "denied", "denied", line, True)
    assert verdict("x", DELEGATE, "allowed", "allowed", line, True) is None
    hidden = rule({DELEGATE}, hides=True)
    assert outcome(FakeResponse(404), hidden, [], None, page=False) == "denied"
