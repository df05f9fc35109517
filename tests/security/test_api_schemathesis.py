"""schemathesis over every operation of `/api/schema/`, as every role: no server error, and
every answer conforms to the schema (documented status, content type, JSON shape, headers).

Generic: the operations come from the schema the project serves, and the data from the demo
of every app (`load_demo`), so the areas merged later are covered without a change here.
Requests run in-process through Django's WSGI handler, on the test database.

Each generated case is sent once per role. When the operation's path has parameters, the
case is sent a second time with the parameters of a real object (the first item of the
collection above it, as the admin reads it), so detail endpoints are reached and not only
their 404. The run is deterministic (fixed seed, derandomized) and bounded (EXAMPLES per
operation and generation mode).
"""

import re
from io import StringIO

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client as WerkzeugClient

from alliance.models import User

EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# Role -> demo account (alliance/demo.py KNOWN_ACCOUNTS); None is the anonymous caller.
ROLES = {
    "anonymous": None,
    "member": "membre",
    "delegate": "delegue",
    "steering committee": "copil",
    "secretariat": "secretariat",
    "admin": "admin",
}

APP = WSGIHandler()
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 2018,
        # The world is shared by the examples of a test on purpose (see `world`).
        "suppress-health-check": ["all"],
        "generation": {"max-examples": EXAMPLES, "deterministic": True},
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", APP, config=CONFIG)


class World:
    """The demo data, a token per role, and real path parameters found through the API."""

    def __init__(self):
        self.tokens = {
            role: None
            if username is None
            else Token.objects.get_or_create(user=User.objects.get(username=username))[0].key
            for role, username in ROLES.items()
        }
        self._real_parameters = {}

    def headers(self, role: str) -> dict:
        token = self.tokens[role]
        return {"Authorization": f"Token {token}"} if token else {}

    def real_path_parameters(self, path: str) -> dict | None:
        """Fill `{name}` after `{name}` from the first item of the collection before it."""
        if path not in self._real_parameters:
            self._real_parameters[path] = self._find(path)
        return self._real_parameters[path]

    def _find(self, path: str) -> dict | None:
        client = WerkzeugClient(APP)
        found = {}
        for match in re.finditer(r"\{(\w+)\}", path):
            name = match.group(1)
            collection = path[: match.start()].format(**found)
            response = client.get(collection, headers=self.headers("admin"))
            if response.status_code != 200:
                return None
            body = response.get_json()
            items = body.get("results", []) if isinstance(body, dict) else body
            field = "slug" if "slug" in name else "id"
            if not items or field not in items[0]:
                return None
            found[name] = items[0][field]
        return found


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module in a transaction rolled back at its end (each
    test then runs in a savepoint of it), so no other test sees it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", stdout=StringIO())
            yield World()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def in_process(db):
    """Django's test client does the same: the handler must not close the connection that
    holds the test transaction at the start and end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
def test_every_operation_as_every_role(case, world, in_process):
    for role in ROLES:
        case.call_and_validate(headers=world.headers(role), checks=CHECKS)
    real = world.real_path_parameters(case.operation.path) if case.path_parameters else None
    if real:
        on_real_object = case.operation.Case(
            path_parameters=real,
            query=case.query,
            body=case.body,
            media_type=case.media_type,
        )
        for role in ROLES:
            on_real_object.call_and_validate(headers=world.headers(role), checks=CHECKS)


def test_every_path_with_parameters_reaches_a_real_object(world, in_process):
    """Without this, the second pass above would silently test only 404s."""
    paths = {operation.ok().path for operation in schema.get_all_operations()}
    with_parameters = sorted(path for path in paths if "{" in path)
    missing = [path for path in with_parameters if not world.real_path_parameters(path)]
    assert not missing, f"no real object found through the API for {missing}"
