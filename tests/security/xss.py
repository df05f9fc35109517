"""A reusable XSS checker for Chromium pages, and the registry of the fields it checks.

A target stores every payload of `xss_payloads.txt` in one field (through the model, a
service, an import...) and says which pages show them. The checker loads those pages in
Chromium with the Content-Security-Policy BYPASSED, so that what it proves is the escaping
itself (the CSP is the second wall, tested in test_csp.py), and asserts:
  - no dialog opened (every payload calls alert(1) or marks the page with data-xss);
  - nothing injected: no `[data-xss]`, no `on*=` attribute, no inline script, no
    `javascript:`/`data:text/html` URL in a link, frame or form, no frame/object/embed/base;
  - when the field is shown as text (`shown_as_text=True`), every payload is visible,
    character for character, in the page's text.

Adding a field is one line in `XSS_TARGETS` (test_xss.py) with a setup function:

    def comment_bodies(payloads):          # stores them, returns the pages to look at
        thread = ...
        for payload in payloads:
            comment_create(actor=..., thread=thread, body=payload)
        return [Visit(thread_url, viewer=member)]

    XSSTarget("debate: comment body (Markdown)", comment_bodies, shown_as_text=False)

Markdown fields keep the harmless HTML the sanitiser allows, so they are checked with
`shown_as_text=False` (never executed, nothing injected).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

PAYLOADS_FILE = Path(__file__).with_name("xss_payloads.txt")


def load_payloads() -> list[str]:
    lines = PAYLOADS_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("# ")]


PAYLOADS = load_payloads()


@dataclass
class Visit:
    path: str
    viewer: object | None = None  # a User, or None for an anonymous visitor


@dataclass
class XSSTarget:
    name: str
    setup: Callable[[list[str]], list[Visit]]
    shown_as_text: bool = True

    def __str__(self):
        return self.name


# Runs in the page: everything a payload would have injected had it not been escaped.
FIND_INJECTIONS = """() => {
  const found = [];
  const describe = (el) => '<' + el.tagName.toLowerCase() + '>';
  if (document.querySelector('[data-xss]')) found.push('[data-xss] on ' + describe(document.querySelector('[data-xss]')));
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\s\\x00-\\x1f]/g, '').toLowerCase();
      if (attr.name.toLowerCase().startsWith('on')) found.push(describe(el) + ' ' + attr.name + '=');
      if (['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'srcdoc'].includes(attr.name.toLowerCase())
          && (value.startsWith('javascript:') || value.startsWith('data:text/html') || attr.name === 'srcdoc'))
        found.push(describe(el) + ' ' + attr.name + '=' + attr.value);
    }
  }
  for (const el of document.querySelectorAll('script:not([src])'))
    if ((el.type || '').toLowerCase() !== 'application/json') found.push('inline <script>');
  for (const el of document.querySelectorAll('iframe, object, embed, base, meta[http-equiv], math'))
    found.push(describe(el));
  return found;
}"""


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def check_target(browser, live, target: XSSTarget, payloads: list[str] = PAYLOADS) -> dict:
    """Store the payloads through `target.setup`, visit its pages, assert; returns figures."""
    from django.conf import settings
    from django.test import Client

    visits = target.setup(payloads)
    assert visits, f"{target}: no page to visit"
    dialogs, injections, texts = [], [], []
    context = browser.new_context(base_url=live.url, bypass_csp=True, locale="fr-FR")
    context.set_default_timeout(10_000)
    # Styles, fonts and images change nothing here and slow each page down; an aborted image
    # fires `onerror` at once, which only makes an unescaped payload show sooner.
    context.route(re.compile(r"\.(css|png|jpe?g|gif|svg|ico|woff2?)(\?.*)?$"), lambda r: r.abort())
    scripts = {}  # the site's scripts do run (one could write a field into the page), fetched once

    def cached_script(route):
        if route.request.url not in scripts:
            scripts[route.request.url] = route.fetch()
        route.fulfill(response=scripts[route.request.url])

    context.route(re.compile(r"\.js(\?.*)?$"), cached_script)
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        for _pk, group in groupby(visits, key=lambda visit: getattr(visit.viewer, "pk", None)):
            group = list(group)
            context.clear_cookies()
            if group[0].viewer is not None:
                client = Client()
                client.force_login(group[0].viewer)
                cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
                context.add_cookies(
                    [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live.url}]
                )
            for visit in group:
                response = page.goto(visit.path)
                assert response is not None and response.status < 400, (
                    f"{target}: {visit.path} answered {response and response.status}"
                )
                injections.extend(
                    f"{visit.path}: {found}" for found in page.evaluate(FIND_INJECTIONS)
                )
                texts.append(page.evaluate("() => document.body.innerText"))
    finally:
        context.close()
    assert not dialogs, f"{target}: a payload opened a dialog: {dialogs[:3]}"
    assert not injections, f"{target}: injected markup:\n" + "\n".join(injections[:10])
    if target.shown_as_text:
        shown = _normalise("\n".join(texts))
        missing = [p for p in payloads if _normalise(p) not in shown]
        assert not missing, f"{target}: not shown as text: {missing[:5]}"
    return {"payloads": len(payloads), "pages": len(visits)}
