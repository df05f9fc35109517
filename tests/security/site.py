"""Generic walkers over the project: every URL pattern of the URL conf, and every page reachable
by links from the parameter-free pages, as a given client. Tests in this directory use them so
that the pages and routes other areas add are covered without changing the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

# A value that each path converter accepts (the object need not exist: CSRF and the page
# checks run before or without it).
CONVERTER_SAMPLES = {
    "int": "1",
    "slug": "x",
    "str": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}
NOT_PAGES = ("/api/", "/admin/", "/static/", "/media/")


@dataclass(frozen=True)
class Route:
    template: str  # "/annuaire/<slug:slug>/"
    name: str  # "frontend:organisation"
    sample_path: str  # "/annuaire/x/"

    @property
    def has_parameters(self) -> bool:
        return "<" in self.template


def routes(resolver=None, prefix: str = "/", namespace: str = "") -> list[Route]:
    """Every route of the URL conf with a path-converter pattern (regex patterns are
    Django's own, e.g. the admin's, and left out)."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        pattern = str(entry.pattern)
        if pattern.startswith("^"):
            continue
        if isinstance(entry, URLResolver):
            child_namespace = entry.namespace or namespace
            found.extend(routes(entry, prefix + pattern, child_namespace))
        elif isinstance(entry, URLPattern):
            template = prefix + pattern
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            sample = re.sub(
                r"<(?:(\w+):)?\w+>",
                lambda m: CONVERTER_SAMPLES.get(m.group(1) or "str", "x"),
                template,
            )
            found.append(Route(template, name, sample))
    return found


def page_routes() -> list[Route]:
    return [route for route in routes() if not route.template.startswith(NOT_PAGES)]


# --- HTML --------------------------------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)


class PageParser(HTMLParser):
    """Links, forms and the markup the CSP forbids (inline scripts, on* and style attributes)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.violations: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, _value in attrs:
            if name.startswith("on"):
                self.violations.append(f"<{tag} {name}=...>")
            if name == "style":
                self.violations.append(f"<{tag} style=...>")
        if tag == "script" and not attributes.get("src"):
            if (attributes.get("type") or "").lower() != "application/json":
                self._in_inline_script = True
                self.violations.append("<script> without src")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "form":
            method = (attributes.get("method") or "get").lower()
            self.forms.append(Form(method, attributes.get("action") or ""))
        if tag in {"input", "select", "textarea", "button"} and self.forms:
            name = attributes.get("name")
            if name and attributes.get("type") not in {"submit", "button"}:
                self.forms[-1].fields.setdefault(name, attributes.get("value") or "x")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


# --- Crawl ------------------------------------------------------------------------------


@dataclass
class Page:
    path: str
    route: str
    status: int
    headers: dict
    html: str
    parsed: PageParser | None


def _route_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client, *, max_per_route: int = 2, max_pages: int = 400) -> list[Page]:
    """GET every parameter-free page, then follow same-site links to pages, visiting at most
    `max_per_route` paths per route (e.g. two CAE pages, not 75)."""
    queue = [route.sample_path for route in page_routes() if not route.has_parameters]
    seen: set[str] = set()
    per_route: dict[str, int] = {}
    pages = []
    while queue and len(pages) < max_pages:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url in seen or parts.path.startswith(NOT_PAGES):
            continue
        seen.add(url)
        route = _route_name(parts.path)
        if route is None or per_route.get(route, 0) >= max_per_route:
            continue
        per_route[route] = per_route.get(route, 0) + 1
        response = client.get(url)
        html = response.content.decode() if "html" in response.get("Content-Type", "") else ""
        parsed = parse(html) if html else None
        pages.append(Page(url, route, response.status_code, dict(response.headers), html, parsed))
        if parsed:
            queue.extend(urljoin(url, link).split("#")[0] for link in parsed.links)
    return pages
