"""Pages send a Content-Security-Policy without inline scripts, and their HTML needs none: no
inline `<script>` (only `json_script` data), no `on*=` handlers, no `style=` attributes.

Generic: every page reachable from the parameter-free routes of the URL conf, as each role
(tests/security/site.py), so pages merged later are covered as they are.
"""

import pytest

from alliance.middleware import CONTENT_SECURITY_POLICY
from tests.security.conftest import DEMO_ROLES
from tests.security.site import crawl, parse

pytestmark = pytest.mark.django_db

# What the test client's pages get: sockets to the site's own origin (http://testserver).
SITE_POLICY = CONTENT_SECURITY_POLICY.replace("{socket}", "ws://testserver")


def directives(policy: str) -> dict[str, str]:
    return dict(directive.strip().split(" ", 1) for directive in policy.split(";"))


def test_the_policy_forbids_inline_scripts_and_styles():
    policy = directives(SITE_POLICY)
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(
    ("extra", "connect"),
    [
        ({}, "'self' ws://testserver"),
        ({"HTTP_HOST": "localhost:8000"}, "'self' ws://localhost:8000"),
        ({"secure": True}, "'self' wss://testserver"),
        (  # behind the TLS proxy, which passes the Host on
            {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "testserver"},
            "'self' wss://testserver",
        ),
    ],
)
def test_sockets_may_connect_to_the_sites_own_origin_only(client, extra, connect):
    """No bare `ws:` or `wss:` (any host): the socket origin is the page's own, by its scheme."""
    policy = directives(client.get("/connexion/", **extra)["Content-Security-Policy"])
    assert policy["connect-src"] == connect


@pytest.mark.parametrize("role", list(DEMO_ROLES))
def test_every_page_sends_the_policy_and_has_no_inline_script_or_style(client_as, role, capsys):
    pages = crawl(client_as(role))
    problems = []
    for page in pages:
        if page.headers.get("Content-Security-Policy") != SITE_POLICY:
            problems.append(f"{page.path}: no Content-Security-Policy header")
        if page.parsed:
            problems.extend(f"{page.path}: {v}" for v in page.parsed.violations)
    assert not problems, "\n".join(problems)
    html_pages = [page for page in pages if page.parsed and page.status == 200]
    routes = {page.route for page in html_pages}
    assert "frontend:home" in routes and "frontend:directory" in routes
    assert "frontend:organisation" in routes  # reached through links: pages with parameters
    with capsys.disabled():
        print(f"\n  CSP [{role}]: {len(html_pages)} pages of {len(routes)} routes checked")


def test_the_api_documentation_page_obeys_the_policy_too(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == SITE_POLICY
    assert parse(response.content.decode()).violations == []


def test_the_checker_sees_what_the_policy_forbids():
    html = (
        '<script>alert(1)</script><script src="/s.js"></script>'
        '<script type="application/json" id="d">{}</script>'
        '<img src="x" onerror="alert(1)"><p style="color:red">x</p>'
    )
    assert parse(html).violations == [
        "<script> without src",
        "<img onerror=...>",
        "<p style=...>",
    ]
