"""The consultation in Chromium: a member ranks the axes, a facilitator enters a territorial
meeting's answer, anyone reads the results."""

import re

import pytest
from playwright.sync_api import expect

from proposals.models.consultation import ConsultationAnswer
from tests.factories import OrganisationFactory
from tests.proposals.consultation_factories import ConsultationFactory, answer, axis_ids

pytestmark = pytest.mark.browser


def test_a_member_ranks_the_axes_for_their_cae_on_a_phone(new_page, member):
    consultation = ConsultationFactory(slug="priorites")
    a, b, c, d = axis_ids(consultation)
    page = new_page(member, phone=True)
    page.goto("/consultations/priorites/")
    page.get_by_role("link", name="Répondre pour ma CAE").click()
    # JavaScript numbered the selects in the displayed order; the buttons move the axes.
    expect(page.get_by_label("Représentation et lobbying", exact=True)).to_have_value("1")
    page.get_by_role("button", name="Monter : Communication et promotion").click()
    page.get_by_role("button", name="Monter : Observatoire").click()
    expect(page.get_by_label("Communication et promotion", exact=True)).to_have_value("1")
    expect(page.get_by_label("Représentation et lobbying", exact=True)).to_have_value("2")
    expect(page.get_by_label("Observatoire", exact=True)).to_have_value("3")
    expect(page.get_by_label("Juridique", exact=True)).to_have_value("4")
    expect(page.get_by_role("button", name="Monter : Communication et promotion")).to_be_disabled()
    page.get_by_label("Commentaire").fill("La promotion d'abord.")
    page.get_by_role("button", name="Enregistrer la réponse de ma CAE").click()
    expect(page.get_by_text("La réponse de votre CAE est enregistrée.")).to_be_visible()
    expect(page.locator(".my-ranking li").first).to_have_text("Communication et promotion")
    saved = ConsultationAnswer.objects.get(organisation=member.organisation)
    assert saved.ranking == [b, a, d, c]
    assert saved.comment == "La promotion d'abord."


def test_a_facilitator_enters_a_territorial_meeting_answer(new_page, secretariat):
    consultation = ConsultationFactory(slug="priorites")
    a, b, c, d = axis_ids(consultation)
    organisation = OrganisationFactory(name="Escales Nantes")
    page = new_page(secretariat)
    page.goto("/consultations/priorites/")
    page.get_by_role("link", name="Saisir une réponse de rencontre territoriale").click()
    page.get_by_label("Rencontre territoriale").fill("Rencontre territoriale de Nantes")
    page.get_by_label("Date de la rencontre").fill("2018-05-31")
    page.get_by_label("CAE", exact=True).select_option(label="Escales Nantes")
    page.get_by_role("button", name="Descendre : Représentation et lobbying").click()
    page.get_by_role("button", name="Enregistrer la réponse de cette CAE").click()
    expect(page.get_by_text("Réponse de Escales Nantes enregistrée.")).to_be_visible()
    # The meeting stays filled in for the next CAE of the same meeting.
    expect(page.get_by_label("Rencontre territoriale")).to_have_value(
        "Rencontre territoriale de Nantes"
    )
    saved = ConsultationAnswer.objects.get(organisation=organisation)
    assert saved.channel == "territorial"
    assert saved.meeting_name == "Rencontre territoriale de Nantes"
    assert saved.ranking == [b, a, c, d]
    assert saved.entered_by == secretariat


def test_a_duplicate_rank_is_explained_without_saving(new_page, member):
    consultation = ConsultationFactory(slug="priorites")
    page = new_page(member)
    page.goto("/consultations/priorites/repondre/")
    page.get_by_label("Juridique", exact=True).select_option("1")
    page.get_by_role("button", name="Enregistrer la réponse de ma CAE").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Deux axes ne peuvent pas avoir le même rang."
    )
    assert not ConsultationAnswer.objects.filter(consultation=consultation).exists()


def test_the_results_page_shows_the_ranking(new_page, member):
    consultation = ConsultationFactory(slug="priorites")
    a, b, c, d = axis_ids(consultation)
    for _ in range(3):
        answer(consultation, [a, b, c, d])
    answer(consultation, [b, a, d, c], channel="territorial")
    page = new_page(member)
    page.goto("/consultations/priorites/")
    page.get_by_role("link", name="Voir les résultats").click()
    expect(page.get_by_text(re.compile(r"4 CAE sur \d+ ont répondu"))).to_be_visible()
    ranking = page.locator(".final-ranking li")
    expect(ranking.nth(0)).to_contain_text("Représentation et lobbying")
    expect(ranking.nth(1)).to_contain_text("Communication et promotion")
    expect(page.get_by_role("img", name=re.compile("Scores de Borda"))).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("Matrice des duels")
    expect(page.get_by_role("link", name="Télécharger les résultats (CSV)")).to_be_visible()


def test_the_results_fit_a_phone_screen(new_page, member):
    consultation = ConsultationFactory(slug="priorites")
    answer(consultation, axis_ids(consultation))
    page = new_page(member, phone=True)
    page.goto("/consultations/priorites/resultats/")
    expect(page.locator(".final-ranking li").first).to_be_visible()
    # The pairwise table scrolls inside its box; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
