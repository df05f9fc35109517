"""In Chromium against a real daphne process: a delegate votes from a phone while the projector,
in another browser context, follows without reloading."""

import json
import os
import urllib.request

import pytest
from playwright.sync_api import expect
from rest_framework.authtoken.models import Token

from assemblies import services
from tests.assemblies.factories import AssemblyFactory, cast, open_poll, seat
from tests.conftest import DaphneServer, database_url_for_subprocess, free_port

pytestmark = pytest.mark.browser


def api_post(live, token, path, payload=None):
    """POST to the daphne process under test, so that its events reach its consumers."""
    request = urllib.request.Request(  # noqa: S310 (the local test server)
        live.url + path,
        data=json.dumps(payload or {}).encode(),
        method="POST",
        headers={"Authorization": f"Token {token.key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read() or b"{}")


def test_a_delegate_votes_on_a_phone_while_the_projector_updates_live(new_page, live, secretariat):
    assembly = AssemblyFactory()
    alice, bob, _carol = seat(assembly, 3, teller=secretariat)
    poll = open_poll(assembly, teller=secretariat)
    token = Token.objects.create(user=secretariat)

    projector = new_page(secretariat)
    projector.goto(f"/assemblees/{assembly.slug}/projecteur/")
    projector.wait_for_selector("[data-live-status][data-state=online]")
    projector.evaluate("window.notReloaded = true")
    assert projector.locator("[data-projector-title]").inner_text() == poll.title
    assert projector.locator("[data-projector-voted]").inner_text() == "0"
    assert projector.locator("[data-projector-entitled]").inner_text() == "3"
    assert projector.locator("svg[data-projector-chart] .bar").count() == 3

    phone = new_page(alice, phone=True)
    phone.goto(f"/votes/{poll.pk}/")
    phone.wait_for_selector("[data-live-status][data-state=online]")
    phone.evaluate("window.notReloaded = true")
    phone.get_by_label("pour").check()
    phone.get_by_role("button", name=f"Voter pour {alice.organisation.name}").click()
    receipt = phone.locator("code.receipt")
    receipt.wait_for()
    assert len(receipt.inner_text()) >= 20
    assert phone.get_by_text("Cette CAE a voté.").is_visible()
    assert phone.evaluate("window.notReloaded") is True  # the vote went over the socket

    expect(projector.locator("[data-projector-voted]")).to_have_text("1")
    fill = projector.locator("svg[data-projector-chart] .bar--0 .bar__fill")
    assert int(fill.get_attribute("width")) == 760  # "pour" holds all the weight cast
    assert projector.locator(".bar--0 .bar__value").text_content() == "1.00 · 100 %"

    # Without WebSocket the page posts its form like any other: the projector still follows.
    phone_without_socket = new_page(bob, phone=True)
    phone_without_socket.add_init_script("delete window.WebSocket")
    phone_without_socket.goto(f"/votes/{poll.pk}/")
    phone_without_socket.get_by_label("contre").check()
    phone_without_socket.get_by_role("button", name=f"Voter pour {bob.organisation.name}").click()
    phone_without_socket.get_by_text("Vote enregistré. Votre reçu").wait_for()
    expect(projector.locator("[data-projector-voted]")).to_have_text("2")

    api_post(live, token, f"/api/polls/{poll.pk}/close/")
    expect(projector.locator("[data-projector-status]")).to_have_attribute("data-status", "closed")
    assert projector.locator("[data-projector-status]").inner_text().lower().startswith("vote clos")
    api_post(live, token, f"/api/polls/{poll.pk}/publish/")
    expect(projector.locator("[data-projector-outcome]")).to_have_text("rejetée")
    assert projector.evaluate("window.notReloaded") is True


def test_the_assembly_page_follows_check_ins_without_reloading(new_page, live, secretariat):
    assembly = AssemblyFactory()
    (alice,) = seat(assembly, 1, teller=secretariat)
    page = new_page(alice)
    page.goto(f"/assemblees/{assembly.slug}/")
    page.wait_for_selector("[data-live-status][data-state=online]")
    present = page.locator('[data-live-attendance] [data-live="present"]')
    assert present.inner_text() == "1"
    page.get_by_role("button", name="Enregistrer mon départ").click()  # posts, then reloads
    page.wait_for_load_state()
    assert present.inner_text() == "0"
    page.wait_for_selector("[data-live-status][data-state=online]")
    page.evaluate("window.notReloaded = true")
    other = new_page(secretariat)
    other.goto(f"/assemblees/{assembly.slug}/secretariat/")
    other.wait_for_selector("[data-live-status][data-state=online]")
    token = Token.objects.create(user=alice)
    api_post(
        live,
        token,
        f"/api/assemblies/{assembly.pk}/attendance/",
        {"organisation": alice.organisation_id},
    )
    expect(present).to_have_text("1")
    expect(other.locator('[data-live-attendance] [data-live="present"]')).to_have_text("1")
    # A poll opens: the delegate's page offers the link to vote.
    draft = services.poll_create(
        actor=secretariat,
        assembly=assembly,
        title="Motion d'ordre",
        method="motion",
        threshold="simple",
    )
    api_post(live, Token.objects.create(user=secretariat), f"/api/polls/{draft.pk}/open/")
    notice = page.locator("[data-live-notice]")
    expect(notice).to_contain_text("Un vote vient de s’ouvrir")
    assert page.evaluate("window.notReloaded") is True
    notice.get_by_role("link", name="Motion d'ordre").click()
    page.wait_for_url(f"**/votes/{draft.pk}/")
    assert page.get_by_role("button", name=f"Voter pour {alice.organisation.name}").is_visible()


def test_the_projector_reconnects_by_itself_and_is_right_at_the_first_snapshot(
    new_page, live, secretariat
):
    """Its server goes away and comes back on the same port; a ballot was cast meanwhile."""
    assembly = AssemblyFactory()
    alice, _bob = seat(assembly, 2, teller=secretariat)
    poll = open_poll(assembly, teller=secretariat)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alliance.test_settings",
        "DATABASE_URL": database_url_for_subprocess(),
    }
    server = DaphneServer(free_port(), env)
    try:
        projector = new_page(secretariat)
        projector.goto(f"{server.url}/assemblees/{assembly.slug}/projecteur/")
        status = projector.locator("[data-live-status]")
        expect(status).to_have_attribute("data-state", "online")
        projector.evaluate("window.notReloaded = true")
        server.stop()
        expect(status).to_have_attribute("data-state", "offline")
        cast(poll, alice, "yes")
        server = DaphneServer(server.port, env)
        expect(status).to_have_attribute("data-state", "online", timeout=15_000)
        expect(projector.locator("[data-projector-voted]")).to_have_text("1")
        assert projector.evaluate("window.notReloaded") is True
    finally:
        server.stop()
