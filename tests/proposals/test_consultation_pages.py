"""Consultation pages: what each person sees and can do, without JavaScript."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from proposals.models.consultation import Consultation, ConsultationAnswer, ResultsVisibility
from tests.factories import OrganisationFactory
from tests.proposals.consultation_factories import (
    ConsultationFactory,
    answer,
    axis_ids,
    closed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation():
    return ConsultationFactory(title="Priorités de l'alliance", questions=["Un souhait ?"])


def ranks(consultation, order):
    """Form data giving rank 1 to `order[0]`, and so on."""
    return {f"rank_{axis_id}": str(rank) for rank, axis_id in enumerate(order, start=1)}


def test_the_list_shows_every_consultation_with_a_pinned_query_count(
    client, member, django_assert_num_queries
):
    for _ in range(4):
        c = ConsultationFactory()
        answer(c, axis_ids(c))
    answer(c, axis_ids(c), organisation=member.organisation)
    client.force_login(member)
    client.get("/")  # warm the session
    with django_assert_num_queries(4):  # session, user (+ CAE), consultations
        response = client.get(reverse("frontend:consultations"))
    html = response.content.decode()
    assert html.count('class="card consultation-card"') == 4
    assert "Votre CAE a répondu." in html


def test_home_links_to_the_consultations(client):
    assert reverse("frontend:consultations") in client.get("/").content.decode()


def test_details_show_my_cae_answer_and_its_history(client, member, consultation):
    a, b, c, d = axis_ids(consultation)
    client.force_login(member)
    client.post(
        reverse("frontend:consultation-answer", args=[consultation.slug]),
        ranks(consultation, [a, b, c, d]),
    )
    client.post(
        reverse("frontend:consultation-answer", args=[consultation.slug]),
        ranks(consultation, [d, c, b, a]),
    )
    html = client.get(reverse("frontend:consultation", args=[consultation.slug])).content.decode()
    assert f"La réponse de {member.organisation.name}" in html
    assert "Historique (2 versions)" in html
    assert "1. Observatoire · 2. Juridique" in html
    assert "Modifier la réponse de ma CAE" in html


def test_details_query_count_is_pinned(client, member, consultation, django_assert_num_queries):
    answer(consultation, axis_ids(consultation), organisation=member.organisation)
    client.force_login(member)
    client.get("/")
    # session, user, consultation, axes, questions, answer, revisions, eligible count, CAE
    with django_assert_num_queries(9):
        client.get(reverse("frontend:consultation", args=[consultation.slug]))


def test_a_member_answers_with_the_rank_selects(client, member, consultation):
    a, b, c, d = axis_ids(consultation)
    question = consultation.questions.get()
    client.force_login(member)
    page = client.get(reverse("frontend:consultation-answer", args=[consultation.slug]))
    assert page.status_code == 200
    response = client.post(
        reverse("frontend:consultation-answer", args=[consultation.slug]),
        {**ranks(consultation, [b, a, d, c]), f"question_{question.pk}": "Oui", "comment": "Vite"},
    )
    assert response.status_code == 302
    saved = ConsultationAnswer.objects.get(organisation=member.organisation)
    assert saved.ranking == [b, a, d, c]
    assert saved.free_answers == {str(question.pk): "Oui"}
    assert saved.comment == "Vite"
    again = client.get(reverse("frontend:consultation-answer", args=[consultation.slug]))
    assert again.context["form"]["rank_" + str(b)].value() == 1  # prefilled from the answer


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            lambda ids: {
                f"rank_{ids[0]}": "1",
                f"rank_{ids[1]}": "1",
                f"rank_{ids[2]}": "2",
                f"rank_{ids[3]}": "3",
            },
            "Deux axes ne peuvent pas avoir le même rang.",
        ),
        (
            lambda ids: {f"rank_{ids[0]}": "1", f"rank_{ids[1]}": "2"},
            "Donnez un rang à chaque axe.",
        ),
        (lambda ids: {f"rank_{i}": "9" for i in ids}, "Sélectionnez un choix valide."),
    ],
)
def test_a_bad_ranking_shows_why_and_saves_nothing(client, member, consultation, data, message):
    client.force_login(member)
    response = client.post(
        reverse("frontend:consultation-answer", args=[consultation.slug]),
        data(axis_ids(consultation)),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ConsultationAnswer.objects.exists()


def test_a_closed_consultation_refuses_the_form(client, member):
    consultation = closed()
    client.force_login(member)
    response = client.post(
        reverse("frontend:consultation-answer", args=[consultation.slug]),
        ranks(consultation, axis_ids(consultation)),
    )
    assert response.status_code == 400
    assert "La consultation est close" in response.content.decode()
    assert not ConsultationAnswer.objects.exists()


def test_only_cae_people_reach_the_answer_form(client, secretariat, consultation):
    slug = consultation.slug
    assert client.get(reverse("frontend:consultation-answer", args=[slug])).status_code == 302
    client.force_login(secretariat)
    assert client.get(reverse("frontend:consultation-answer", args=[slug])).status_code == 403


def test_a_facilitator_enters_a_territorial_answer_and_the_meeting_is_remembered(
    client, secretariat, consultation
):
    organisation = OrganisationFactory(name="Escales Nantes")
    ids = axis_ids(consultation)
    client.force_login(secretariat)
    url = reverse("frontend:consultation-territorial", args=[consultation.slug])
    response = client.post(
        url,
        {
            "organisation": organisation.pk,
            "meeting_name": "Rencontre territoriale de Nantes",
            "meeting_date": "2018-05-31",
            **ranks(consultation, ids),
        },
    )
    assert response.status_code == 302
    saved = ConsultationAnswer.objects.get(organisation=organisation)
    assert (saved.channel, saved.meeting_date) == ("territorial", datetime.date(2018, 5, 31))
    assert saved.entered_by == secretariat
    form = client.get(url).context["form"]
    assert form["meeting_name"].value() == "Rencontre territoriale de Nantes"


def test_the_territorial_form_requires_the_meeting(client, secretariat, consultation, organisation):
    client.force_login(secretariat)
    response = client.post(
        reverse("frontend:consultation-territorial", args=[consultation.slug]),
        {"organisation": organisation.pk, **ranks(consultation, axis_ids(consultation))},
    )
    assert response.status_code == 400
    assert not ConsultationAnswer.objects.exists()


def test_members_cannot_open_the_territorial_form(client, member, consultation):
    client.force_login(member)
    url = reverse("frontend:consultation-territorial", args=[consultation.slug])
    assert client.get(url).status_code == 403


def test_the_results_page_draws_the_ranking_with_a_pinned_query_count(
    client, consultation, django_assert_num_queries
):
    a, b, c, d = axis_ids(consultation)
    for _ in range(3):
        answer(consultation, [b, a, c, d])
    answer(consultation, [a, b, c, d], channel="territorial")
    # consultation, axes, questions, answers, networks, eligible count
    with django_assert_num_queries(6):
        response = client.get(reverse("frontend:consultation-results", args=[consultation.slug]))
    html = response.content.decode()
    assert "4 CAE sur 4 ont répondu (100 %)." in html
    assert html.index("Communication et promotion — 11") < html.index(
        "Représentation et lobbying — 9"
    )
    assert '<svg class="bar-chart"' in html
    assert 'width="100.0%"' in html  # the leading bar, with a dot whatever the language
    assert "c'est le gagnant de Condorcet" in html
    assert 'class="num pairwise__win">3' in html


def test_hidden_results_say_when_they_will_be_published(client):
    consultation = ConsultationFactory(results_visibility=ResultsVisibility.AFTER_CLOSE)
    html = client.get(
        reverse("frontend:consultation-results", args=[consultation.slug])
    ).content.decode()
    assert "Les résultats seront publiés à la clôture de la consultation." in html
    assert "<svg" not in html


def test_an_unknown_consultation_is_a_404(client):
    assert client.get("/consultations/nope/").status_code == 404


def create_form(**overrides):
    return {
        "title": "Priorités 2027",
        "slug": "",
        "description": "Classez les chantiers.",
        "opens_at": "2027-01-04T09:00",
        "closes_at": "2027-03-01T18:00",
        "axes": "Lobbying\nPromotion\n\nJuridique",
        "questions": "Un souhait ?",
        "respondents": "delegates",
        "results_visibility": "after_close",
        "weighting": "by_size",
        "weight_cap_share": "0.2",
        **overrides,
    }


def test_the_steering_committee_launches_a_consultation_from_a_page(client, steering):
    client.force_login(steering)
    assert (
        "Lancer une consultation" in client.get(reverse("frontend:consultations")).content.decode()
    )
    response = client.post(reverse("frontend:consultation-create"), create_form())
    assert response.status_code == 302
    consultation = Consultation.objects.get(slug="priorites-2027")
    assert [a.title for a in consultation.axes.all()] == ["Lobbying", "Promotion", "Juridique"]
    assert consultation.respondents == "delegates"
    assert consultation.weight_cap_share == Decimal("0.2")
    assert response.url == reverse("frontend:consultation", args=["priorites-2027"])


def test_a_bad_consultation_form_explains_and_creates_nothing(client, steering):
    client.force_login(steering)
    response = client.post(
        reverse("frontend:consultation-create"), create_form(closes_at="2026-12-01T09:00")
    )
    assert response.status_code == 400
    assert response.context["form"].error_code == "invalid_dates"
    assert "La clôture doit suivre l&#x27;ouverture." in response.content.decode()
    assert not Consultation.objects.exists()


def test_members_cannot_launch_consultations(client, member):
    client.force_login(member)
    assert client.get(reverse("frontend:consultation-create")).status_code == 403
    assert (
        "Lancer une consultation"
        not in client.get(reverse("frontend:consultations")).content.decode()
    )


def test_the_territorial_form_tells_which_cae_already_answered(client, secretariat, consultation):
    online = OrganisationFactory(name="Boussole Lyon")
    met = OrganisationFactory(name="Envol Caen")
    OrganisationFactory(name="Horizons Nice")
    answer(consultation, axis_ids(consultation), organisation=online)
    answer(consultation, axis_ids(consultation), organisation=met, channel="territorial")
    client.force_login(secretariat)
    html = client.get(
        reverse("frontend:consultation-territorial", args=[consultation.slug])
    ).content.decode()
    assert "Boussole Lyon — a déjà répondu en ligne" in html
    assert "Envol Caen — réponse de rencontre déjà saisie" in html
    assert ">Horizons Nice</option>" in html


def test_facilitators_see_which_cae_have_not_answered(client, secretariat, member, consultation):
    answer(consultation, axis_ids(consultation), organisation=member.organisation)
    OrganisationFactory(name="Ricochets Brest")
    url = reverse("frontend:consultation-results", args=[consultation.slug])
    client.force_login(member)
    assert "Ricochets Brest" not in client.get(url).content.decode()
    client.force_login(secretariat)
    html = client.get(url).content.decode()
    assert "1 CAE n'a pas répondu" in html
    assert "Ricochets Brest" in html


def test_the_description_markdown_is_sanitised(client):
    consultation = ConsultationFactory(description="**Priorités**<script>alert(1)</script>")
    html = client.get(reverse("frontend:consultation", args=[consultation.slug])).content.decode()
    assert "<strong>Priorités</strong>" in html
    assert "<script>alert(1)</script>" not in html


def test_the_results_page_speaks_english_on_request(client, consultation):
    answer(consultation, axis_ids(consultation))
    html = client.get(
        reverse("frontend:consultation-results", args=[consultation.slug]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Borda scores" in html
    assert "1 of 1 CAEs answered (100%)." in html
    assert "Pairwise matrix" in html
