"""The database lost: every door answers 503 `database_unavailable` (alliance/unavailable.py),
and only the loss of the connection counts. The real outage is proven by the fault harness
(tests/faults/test_postgres_restart.py); here the driver's errors are simulated."""

from unittest import mock

import psycopg
import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory
from rest_framework.authtoken.models import Token

from alliance import unavailable
from alliance.api.errors import handler500


def lost_connection(cause=None) -> OperationalError:
    """What Django raises when psycopg loses the server: its OperationalError, caused by the
    driver's."""
    error = OperationalError("connection failed")
    error.__cause__ = cause or psycopg.OperationalError("connection refused")
    return error


@pytest.mark.parametrize(
    "error",
    [
        lost_connection(),
        lost_connection(psycopg.errors.AdminShutdown("terminating connection")),
        lost_connection(psycopg.errors.CannotConnectNow("the database system is starting up")),
        InterfaceError("connection already closed"),
    ],
)
def test_a_lost_connection_is_database_unavailable(error):
    assert unavailable.is_database_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("no such table: alliance_user"),  # SQLite: a bug, not an outage
        lost_connection(psycopg.errors.DeadlockDetected("deadlock detected")),
        ValueError("unrelated"),
        None,
    ],
)
def test_other_errors_are_not(error):
    assert not unavailable.is_database_unavailable(error)


def failing_token_lookup():
    return mock.patch(
        "alliance.api.authentication.TokenAuthentication.authenticate_credentials",
        side_effect=lost_connection(),
    )


@pytest.mark.django_db
def test_the_api_answers_503_in_the_error_shape(client, member):
    token = Token.objects.create(user=member)
    with failing_token_lookup():
        response = client.get("/api/assemblies/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 503
    assert response.json() == {
        "code": "database_unavailable",
        "message": "La base de données est momentanément indisponible. "
        "Réessayez dans quelques instants.",
        "details": {},
    }
    assert response["Retry-After"] == "5"


@pytest.mark.django_db
def test_a_write_through_the_api_answers_503_too(client, member):
    token = Token.objects.create(user=member)
    with failing_token_lookup():
        response = client.post(
            "/api/polls/1/votes/",
            {"organisation": 1, "choice": "yes"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token.key}",
        )
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"


@pytest.mark.django_db
def test_a_page_answers_a_503_page_that_does_not_touch_the_database(client, member):
    client.force_login(member)
    with mock.patch("django.contrib.auth.middleware.auth.get_user", side_effect=lost_connection()):
        response = client.get("/assemblees/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "Service momentanément indisponible" in page
    assert 'data-error-code="database_unavailable"' in page
    assert "Se connecter" in page  # shown as signed out: the person lives in the database


@pytest.mark.django_db
def test_an_unrelated_database_error_stays_a_500(client, member):
    client.raise_request_exception = False
    client.force_login(member)
    error = OperationalError("no such table: alliance_user")
    with mock.patch("django.contrib.auth.middleware.auth.get_user", side_effect=error):
        response = client.get("/assemblees/")
    assert response.status_code == 500


@pytest.mark.parametrize(("path", "kind"), [("/api/assemblies/", "json"), ("/", "html")])
def test_the_database_lost_outside_a_view_answers_503_too(path, kind):
    """Loading or saving the session happens in middleware, before or after the view: the
    500 handler recognises the error being handled."""
    request = RequestFactory().get(path)
    try:
        raise lost_connection()
    except OperationalError:
        response = handler500(request)
    assert response.status_code == 503
    assert ("application/json" in response["Content-Type"]) == (kind == "json")
