"""With the production values of alliance/settings.py (read in a fresh interpreter, as
tests/alliance/test_settings.py does), cookies are Secure, HSTS is sent over HTTPS and plain
HTTP is redirected to HTTPS."""

import json
import subprocess
import sys

import pytest
from django.test import Client, override_settings

from tests.alliance.test_settings import PRODUCTION_ENV, PROJECT_ROOT, clean_env
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECURITY_SETTINGS = [
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
]
ONE_YEAR = 365 * 24 * 3600


@pytest.fixture(scope="module")
def production():
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{name: getattr(s, name) for name in {SECURITY_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=clean_env(**PRODUCTION_ENV),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def production_client(production):
    with override_settings(**production):
        yield Client()  # its middleware is built inside, with these values


def test_production_values_are_the_secure_ones(production):
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= ONE_YEAR


def test_plain_http_is_redirected_to_https(production_client):
    for path in ("/", "/connexion/", "/api/organisations/"):
        response = production_client.get(path)
        assert response.status_code == 301
        assert response["Location"] == f"https://testserver{path}"


def test_https_answers_carry_hsts_and_the_other_security_headers(production_client):
    for path in ("/", "/connexion/", "/api/organisations/"):
        response = production_client.get(path, secure=True)
        assert response.status_code == 200
        hsts = response["Strict-Transport-Security"]
        max_age = int(hsts.split(";")[0].removeprefix("max-age="))
        assert max_age >= ONE_YEAR
        assert "includeSubDomains" in hsts and "preload" in hsts
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert "script-src 'self'" in response["Content-Security-Policy"]


def test_behind_the_proxy_the_forwarded_https_counts_as_https(production_client):
    response = production_client.get("/connexion/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response


def test_plain_http_gets_no_hsts(production_client):
    assert "Strict-Transport-Security" not in production_client.get("/", secure=False)


def test_session_and_csrf_cookies_are_secure(production_client):
    UserFactory(username="camille")
    page = production_client.get("/connexion/", secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"
    response = production_client.post(
        "/connexion/",
        {"username": "camille", "password": "demo", "csrfmiddlewaretoken": csrf.value},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
