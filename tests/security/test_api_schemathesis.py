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
from django.apps import apps
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
        self._responses = {}
        self.operations_by_path = {
            operation.path: operation.definition.raw
            for operation in (result.ok() for result in schema.get_all_operations())
        }
        self.list_paths = sorted(
            operation.path
            for operation in (result.ok() for result in schema.get_all_operations())
            if operation.method.upper() == "GET" and operation.path.endswith("/")
        )

    def headers(self, role: str) -> dict:
        token = self.tokens[role]
        return {"Authorization": f"Token {token}"} if token else {}

    def real_path_parameters(self, path: str) -> dict | None:
        """Real values for the `{name}`s of `path`, found through the API as the admin."""
        if path not in self._real_parameters:
            self._real_parameters[path] = None  # no loop through sibling lists
            self._real_parameters[path] = self._find(path)
        return self._real_parameters[path]

    def _get(self, path: str):
        if path not in self._responses:
            response = WerkzeugClient(APP).get(path, headers=self.headers("admin"))
            ok = response.status_code == 200 and response.is_json
            self._responses[path] = response.get_json() if ok else None
        return self._responses[path]

    def _items(self, path: str) -> list:
        body = self._get(path)
        items = body.get("results", [body]) if isinstance(body, dict) else body or []
        return [item for item in items if isinstance(item, dict)]

    @staticmethod
    def _pick(item: dict, name: str):
        for key in (name, name.removesuffix("_id"), "slug" if "slug" in name else "id"):
            value = item.get(key)
            if isinstance(value, dict):
                value = value.get("id")
            if isinstance(value, int | str) and not isinstance(value, bool) and value != "":
                return value
        return None

    def _find(self, path: str) -> dict | None:
        found = {}
        for match in re.finditer(r"\{(\w+)\}", path):
            name, before = match.group(1), path[: match.start()]
            value = (
                self._from_collection(before.format(**found), name)
                or self._from_enum(path, name)
                or self._from_sibling_list(before, name)
                or self._from_any_object(name)
                or self._from_database(before, name)
            )
            if value is None:
                return None
            found[name] = value
        return found

    def _from_collection(self, collection: str, name: str):
        """`/api/proposals/{id}/`: the first item of `/api/proposals/`."""
        items = self._items(collection) if collection.endswith("/") else []
        return self._pick(items[0], name) if items else None

    def _from_enum(self, path: str, name: str):
        """`/api/documents/{slug}/export.{fmt}`: the first value the schema allows."""
        for parameter in self.operations_by_path.get(path, {}).get("parameters", []):
            if parameter.get("name") == name and parameter.get("schema", {}).get("enum"):
                return parameter["schema"]["enum"][0]
        return None

    def _from_sibling_list(self, before: str, name: str):
        """`/api/amendments/{id}/`: an item of a list ending in `/amendments/` elsewhere, e.g.
        `/api/proposals/{id}/amendments/`."""
        segment = before.rstrip("/").rsplit("/", 1)[-1]
        for other in self.list_paths:
            if other == before or not other.endswith(f"/{segment}/") or "{" not in other:
                continue
            parameters = self.real_path_parameters(other)
            if parameters:
                items = self._items(other.format(**parameters))
                if items and self._pick(items[0], name) is not None:
                    return self._pick(items[0], name)
        return None

    def _from_any_object(self, name: str):
        """`/api/threads/{thread_id}/...` with no thread list: a `thread_id` (or `thread`) field
        of any object the parameter-free lists show."""
        if not name.endswith("_id"):
            return None
        for other in self.list_paths:
            if "{" in other:
                continue
            for item in self._items(other):
                for key in (name, name.removesuffix("_id")):
                    value = item.get(key)
                    value = value.get("id") if isinstance(value, dict) else value
                    if isinstance(value, int) and not isinstance(value, bool):
                        return value
        return None

    @staticmethod
    def _from_database(before: str, name: str):
        """Last resort, when the API lists no such object (e.g. threads): the first row of the
        model named by the parameter (`thread_id` -> Thread) or by the segment before it
        (`pins/{pin_id}` -> Pin, `attachments/{id}` -> Attachment)."""
        segment = before.rstrip("/").rsplit("/", 1)[-1].removesuffix("s")
        wanted = {name.removesuffix("_id").replace("_", ""), segment.replace("-", "")}
        for model in apps.get_models():
            if model.__name__.lower() in wanted:
                row = model.objects.order_by("pk").first()
                if row is not None:
                    return getattr(row, "slug", row.pk) if "slug" in name else row.pk
        return None


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


# Paths whose objects the demo data does not create: their detail is only reached as a 404.
# The test below fails when this list is out of date either way (add the objects to a
# demo.py, then remove the path here).
NOT_IN_THE_DEMO = {
    "/api/documents/{slug}/attachments/{id}/",
    "/api/threads/{thread_id}/pins/{pin_id}/",
}


def test_every_path_with_parameters_reaches_a_real_object(world, in_process, capsys):
    """Without this, the second pass above would silently test only 404s."""
    paths = {operation.ok().path for operation in schema.get_all_operations()}
    with_parameters = sorted(path for path in paths if "{" in path)
    missing = {path for path in with_parameters if not world.real_path_parameters(path)}
    assert missing == NOT_IN_THE_DEMO
    with capsys.disabled():
        reached = len(with_parameters) - len(missing)
        print(
            f"\n  schemathesis: {len(paths)} paths, {reached}/{len(with_parameters)} with real objects"
        )
