"""CSRF on every form and every route: a POST without the token is refused (403).

Generic: the routes come from the URL conf and the forms from the pages reachable as each
role (tests/security/site.py), so the areas merged later are covered as they are.
"""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import resolve
from rest_framework.authentication import SessionAuthentication

from tests.security.conftest import DEMO_ROLES
from tests.security.site import crawl, page_routes, routes

pytestmark = pytest.mark.django_db


def assert_csrf_refusal(response, what):
    assert response.status_code == 403, f"{what}: {response.status_code}, expected 403"
    assert "CSRF" in response.content.decode(), f"{what}: 403 but not the CSRF refusal"
    # The cookie was sent: the refusal is for the missing token ("CSRF token missing").
    assert response.wsgi_request.COOKIES.get("csrftoken"), what


@pytest.mark.parametrize("role", ["anonymous", "member", "admin"])
def test_every_page_route_refuses_a_post_without_the_token(client_as, role):
    """Even routes that show no form: no view of the site is exempt from the CSRF check."""
    client = client_as(role, enforce_csrf_checks=True)
    client.get(
        "/connexion/"
    )  # the CSRF cookie is there, as in a real browser: only the token lacks
    assert "csrftoken" in client.cookies
    checked = []
    for route in [*page_routes(), *(r for r in routes() if r.name == "set_language")]:
        assert_csrf_refusal(client.post(route.sample_path, {}), f"{role} POST {route.template}")
        checked.append(route.template)
    assert "/connexion/" in checked and "/profil/" in checked


@pytest.mark.parametrize("role", list(DEMO_ROLES))
def test_every_form_found_on_the_pages_carries_the_token_and_refuses_a_post_without_it(
    client_as, role
):
    client = client_as(role, enforce_csrf_checks=True)
    pages = crawl(client)  # GETs: they set the CSRF cookie, as in a real browser
    assert "csrftoken" in client.cookies
    forms = {}
    for page in pages:
        for form in page.parsed.forms if page.parsed else []:
            if form.method != "post":
                continue
            action = urlsplit(urljoin(page.path, form.action or page.path)).path
            assert "csrfmiddlewaretoken" in form.fields, f"form to {action} on {page.path}"
            forms.setdefault(action, form.fields)
    assert "/i18n/setlang/" in forms  # the language switch is on every page
    if role == "anonymous":
        assert "/connexion/" in forms
    else:
        assert "/deconnexion/" in forms

    for action, fields in forms.items():
        data = {k: v for k, v in fields.items() if k != "csrfmiddlewaretoken"}
        assert_csrf_refusal(client.post(action, data), f"{role} form to {action}")


def session_write_operations(schema: dict) -> list[tuple[str, str]]:
    """(method, sample path) of every API write whose view accepts the session cookie."""
    found = []
    for template, operations in schema["paths"].items():
        path = re.sub(r"\{\w+\}", "1", template)
        view = resolve(path).func
        authenticators = getattr(getattr(view, "cls", None), "authentication_classes", [])
        if not any(issubclass(cls, SessionAuthentication) for cls in authenticators):
            continue
        found.extend(
            (method.upper(), path)
            for method in operations
            if method.upper() in {"POST", "PUT", "PATCH", "DELETE"}
        )
    return found


def test_the_api_refuses_every_session_authenticated_write_without_the_token(client_as, capsys):
    """The API also accepts the session cookie (for the pages' scripts); DRF then checks
    CSRF. Writes that accept only a token (e.g. `POST /api/auth/token/`) need no CSRF."""
    schema = client_as("anonymous").get("/api/schema/?format=json").json()
    client = client_as("admin", enforce_csrf_checks=True)
    operations = session_write_operations(schema)
    for method, path in operations:
        response = client.generic(method, path, "{}", content_type="application/json")
        assert response.status_code == 403, f"{method} {path}: {response.status_code}"
        assert "CSRF" in response.json()["message"], f"{method} {path}"
    with capsys.disabled():
        print(f"\n  CSRF: {len(operations)} session-authenticated API writes checked")
