import pytest
from playwright.sync_api import expect

from proposals.models import AmendmentStatus
from tests.factories import SteeringCommitteeFactory, UserFactory
from tests.proposals.factories import make_proposal

pytestmark = pytest.mark.browser


def test_a_member_amends_the_steering_committee_accepts_and_the_diff_shows_it(new_page):
    steering = SteeringCommitteeFactory()
    member = UserFactory()
    proposal = make_proposal(actor=steering)

    page = new_page(member, phone=True)
    page.goto(proposal.get_absolute_url())
    page.get_by_role("link", name="Proposer un amendement").click()
    page.wait_for_url("**/amendements/nouveau/")
    page.get_by_label("Passage amendé").select_option(
        label="§ 2 : Deuxième paragraphe sur la gouvernance."
    )
    replacement = page.get_by_label("Texte proposé")
    expect(replacement).to_have_value("Deuxième paragraphe sur la gouvernance.")  # proposals.js
    replacement.fill("Deuxième paragraphe sur la gouvernance par collèges.")
    page.get_by_label("Exposé des motifs").fill("Chaque réseau doit y avoir sa place.")
    page.get_by_role("button", name="Déposer l'amendement").click()
    page.wait_for_selector("text=Amendement déposé.")
    assert "en attente" in page.locator(".amendment-status").inner_text()
    amendment = proposal.amendments.get()
    assert amendment.organisation_id == member.organisation_id

    page = new_page(steering)
    page.goto(proposal.get_absolute_url())
    page.get_by_role("link", name=f"Amendement {amendment.pk}").click()
    page.get_by_label("Motif").fill("Accepté en comité du 2 octobre.")
    page.get_by_role("button", name="Accepter l'amendement").click()
    page.wait_for_selector("text=Amendement accepté : version 2.")
    page.get_by_role("link", name="Voir la version 2 qui l'intègre").click()
    diff = page.get_by_test_id("diff")
    assert diff.locator("ins").all_inner_texts() == [" par collèges"]
    assert "Premier paragraphe sur la charte." in diff.inner_text()

    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.ACCEPTED


def test_a_paragraph_chosen_before_the_script_ran_still_fills_the_replacement_box(new_page):
    """proposals.js is deferred: on a slow phone a member may choose before it has run."""
    steering = SteeringCommitteeFactory()
    proposal = make_proposal(actor=steering)
    page = new_page(UserFactory(), phone=True)
    held = []
    page.route("**/proposals.js", lambda route: held.append(route))  # held until released
    page.goto(f"{proposal.get_absolute_url()}amendements/nouveau/", wait_until="commit")
    page.get_by_label("Passage amendé").select_option(
        label="§ 3 : Troisième paragraphe sur le financement."
    )
    replacement = page.get_by_label("Texte proposé")
    assert "Premier paragraphe" in replacement.input_value()  # nothing has run yet
    held[0].continue_()
    expect(replacement).to_have_value("Troisième paragraphe sur le financement.")
