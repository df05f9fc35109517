"""The synthesis page in Chromium: readable, CSP-clean, refreshed by a live event."""

import json

import pytest

from deliberation.synthesis import services
from tests.deliberation.synthesis_factories import make_camps_thread

pytestmark = pytest.mark.browser


def test_an_opinion_groups_event_refreshes_the_page_without_reloading(new_page, steering):
    thread, _points, _camps, _n = make_camps_thread()
    page = new_page(steering, phone=True)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sockets = []
    # The thread's live channel belongs to the debate; here a stand-in server plays its part.
    page.route_web_socket(f"**/ws/threads/{thread.pk}/", lambda ws: sockets.append(ws))
    page.goto(f"/debats/{thread.pk}/synthese/")
    assert page.get_by_text("Les groupes d’opinion seront calculés").is_visible()
    page.evaluate("() => { window.__same_page = true; }")
    page.locator("#synthesis-live details[data-key$=networks] summary").first.click()
    services.opinion_groups_compute(thread=thread)  # committed: the live test is transactional
    page.wait_for_timeout(200)
    assert sockets, "the page opened no WebSocket"
    sockets[0].send(json.dumps({"type": "other_event", "thread": thread.pk}))
    sockets[0].send("not json")
    sockets[0].send(json.dumps({"type": "opinion_groups", "thread": thread.pk, "people": 16}))
    page.get_by_text("Groupe A", exact=True).wait_for()
    assert page.evaluate("() => window.__same_page === true")  # no reload
    assert page.get_by_role("status").inner_text() == "Synthèse mise à jour."
    assert page.locator("svg.og-svg path.og-mark").count() == 16
    opened = page.locator("#synthesis-live details[data-key$=networks]").first
    assert opened.get_attribute("open") is not None  # what the reader opened stays open
    assert not [e for e in errors if "Content Security Policy" in e]
