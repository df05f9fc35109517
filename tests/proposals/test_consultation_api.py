"""The consultation API: shapes, permissions, error codes, query counts, CSV, schema."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from proposals.models.consultation import ConsultationAnswer, ResultsVisibility
from tests.factories import NetworkFactory, OrganisationFactory
from tests.proposals.consultation_factories import (
    ConsultationFactory,
    answer,
    axis_ids,
    closed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation():
    return ConsultationFactory(slug="priorites", questions=["Qu'attendez-vous ?"])


def url(consultation, rest=""):
    return f"/api/consultations/{consultation.slug}/{rest}"


def test_anyone_lists_consultations_with_a_pinned_query_count(
    api_as, member, django_assert_num_queries
):
    for _n in range(5):
        c = ConsultationFactory()
        answer(c, axis_ids(c))
    answer(c, axis_ids(c), organisation=member.organisation)
    with django_assert_num_queries(2):  # count, page
        body = api_as(member).get("/api/consultations/").json()
    assert body["count"] == 5
    mine = next(item for item in body["results"] if item["slug"] == c.slug)
    assert mine["my_answered"] is True and mine["answer_count"] == 2
    assert mine["status"] == "open"
    anonymous = api_as(None).get("/api/consultations/").json()["results"][0]
    assert anonymous["my_answered"] is None


def test_detail_gives_axes_and_questions(api_as, consultation):
    body = api_as(None).get(url(consultation)).json()
    assert [a["title"] for a in body["axes"]] == [a.title for a in consultation.axes.all()]
    assert body["questions"][0]["text"] == "Qu'attendez-vous ?"
    assert "<strong>axes</strong>" in body["description_html"]
    assert body["results_hidden"] is False
    axes = api_as(None).get(url(consultation, "axes/")).json()
    assert [a["id"] for a in axes] == axis_ids(consultation)


def test_an_unknown_consultation_answers_not_found(api_as):
    response = api_as(None).get("/api/consultations/nope/")
    assert response.status_code == 404
    assert response.json()["code"] == "consultation_not_found"


def test_a_member_puts_then_changes_their_cae_answer(api_as, member, consultation):
    client = api_as(member)
    question = consultation.questions.get()
    assert client.get(url(consultation, "my-answer/")).json()["code"] == "no_answer"
    ids = axis_ids(consultation)
    first = client.put(
        url(consultation, "my-answer/"),
        {"ranking": ids, "free_answers": {str(question.pk): "Une voix"}, "comment": "Oui"},
        format="json",
    )
    assert first.status_code == 200, first.json()
    changed = client.put(
        url(consultation, "my-answer/"), {"ranking": ids[::-1]}, format="json"
    ).json()
    assert changed["ranking"] == ids[::-1]
    assert [r["ranking"] for r in changed["revisions"]] == [ids[::-1], ids]
    body = client.get(url(consultation, "my-answer/")).json()
    assert body["organisation"] == member.organisation_id
    assert body["channel"] == "online"


@pytest.mark.parametrize(
    ("make_ranking", "code"),
    [
        (lambda ids: ids[:2], "ranking_incomplete"),
        (lambda ids: [ids[0], *ids[:3]], "ranking_duplicate"),
        (lambda ids: [*ids[:3], 0], "unknown_axis"),
    ],
)
def test_a_bad_ranking_answers_its_code_and_saves_nothing(
    api_as, member, consultation, make_ranking, code
):
    response = api_as(member).put(
        url(consultation, "my-answer/"),
        {"ranking": make_ranking(axis_ids(consultation))},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not ConsultationAnswer.objects.exists()


def test_a_malformed_answer_answers_invalid(api_as, member, consultation):
    response = api_as(member).put(
        url(consultation, "my-answer/"), {"ranking": "premier"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "ranking" in response.json()["details"]


def test_answering_a_closed_consultation_is_a_conflict(api_as, member):
    consultation = closed()
    response = api_as(member).put(
        url(consultation, "my-answer/"), {"ranking": axis_ids(consultation)}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "consultation_closed"
    assert response.json()["message"] == "La consultation est close : on ne peut plus y répondre."


def test_errors_speak_english_on_request(api_as, member):
    consultation = closed()
    response = api_as(member).put(
        url(consultation, "my-answer/"),
        {"ranking": axis_ids(consultation)},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.json()["message"] == "The consultation is closed: answers are no longer taken."


def test_anonymous_and_cae_less_people_cannot_answer(api_as, secretariat, consultation):
    anonymous = api_as(None).put(url(consultation, "my-answer/"), {}, format="json")
    assert anonymous.status_code == 401
    response = api_as(secretariat).put(
        url(consultation, "my-answer/"), {"ranking": axis_ids(consultation)}, format="json"
    )
    assert response.json()["code"] == "no_organisation"


def territorial(cae, consultation, **overrides):
    return {
        "organisation": cae.pk,
        "meeting_name": "Rencontre territoriale de Lyon",
        "meeting_date": "2018-04-19",
        "ranking": axis_ids(consultation),
        **overrides,
    }


def test_a_facilitator_posts_a_territorial_answer(api_as, secretariat, organisation, consultation):
    response = api_as(secretariat).post(
        url(consultation, "answers/"), territorial(organisation, consultation), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["channel"] == "territorial"
    assert body["meeting_name"] == "Rencontre territoriale de Lyon"
    assert body["meeting_date"] == "2018-04-19"
    assert body["organisation"] == organisation.pk


def test_a_member_cannot_post_territorial_answers(api_as, member, consultation):
    response = api_as(member).post(
        url(consultation, "answers/"), territorial(member.organisation, consultation), format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    assert not ConsultationAnswer.objects.exists()


def test_territorial_answer_needs_a_known_cae_and_a_meeting(api_as, secretariat, consultation):
    client = api_as(secretariat)
    unknown = client.post(
        url(consultation, "answers/"),
        territorial(OrganisationFactory(), consultation, organisation=0),
        format="json",
    )
    assert unknown.json()["code"] == "unknown_organisation"
    blank = client.post(
        url(consultation, "answers/"),
        territorial(OrganisationFactory(), consultation, meeting_name="   "),
        format="json",
    )
    assert blank.json()["code"] == "invalid"  # DRF trims it to empty: a field error
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    later = client.post(
        url(consultation, "answers/"),
        territorial(OrganisationFactory(), consultation, meeting_date=future),
        format="json",
    )
    assert later.json()["code"] == "meeting_in_future"
    assert not ConsultationAnswer.objects.exists()


def test_only_facilitators_list_every_answer(
    api_as, member, secretariat, consultation, django_assert_num_queries
):
    for _ in range(6):
        answer(consultation, axis_ids(consultation))
    assert api_as(member).get(url(consultation, "answers/")).status_code == 403
    client = api_as(secretariat)
    # consultation, its axes, its questions, the answers, their CAEs' networks
    with django_assert_num_queries(5):
        response = client.get(url(consultation, "answers/"))
    assert len(response.json()) == 6


def test_results_give_borda_schulze_matrix_and_breakdowns(
    api_as, consultation, django_assert_num_queries
):
    a, b, c, d = axis_ids(consultation)
    network = NetworkFactory()
    for _ in range(3):
        answer(consultation, [b, a, c, d], organisation=OrganisationFactory(networks=[network]))
    answer(consultation, [a, b, d, c], channel="territorial")
    answer(consultation, [a, c, b, d])
    # consultation, axes, questions, answers with their CAEs, networks, eligible count
    with django_assert_num_queries(6):
        response = api_as(None).get(url(consultation, "results/"))
    body = response.json()
    assert body["participation"] == {"answered": 5, "eligible": 5, "percent": 100}
    # Borda: b = 3*3 + 2 + 1 = 12; a = 3*2 + 3 + 3 = 12; c = 3 + 0 + 2 = 5; d = 0 + 1 + 0 = 1
    assert [(s["axis"], s["borda_score"], s["borda_rank"]) for s in body["borda"]] == [
        (a, 12.0, 1),
        (b, 12.0, 1),
        (c, 5.0, 3),
        (d, 1.0, 4),
    ]
    assert body["schulze_order"] == [[b], [a], [c], [d]]  # b beats a 3 to 2
    assert body["condorcet_winner"] == b
    assert body["axes"] == [a, b, c, d]
    assert body["pairwise"][1][0] == 3.0 and body["pairwise"][0][1] == 2.0
    assert body["pairwise"][0][0] is None
    assert {g["key"]: g["answers"] for g in body["by_network"]} == {network.slug: 3, "none": 2}
    assert {g["key"]: g["answers"] for g in body["by_channel"]} == {"online": 4, "territorial": 1}


def test_hidden_results_answer_results_hidden(api_as, steering):
    consultation = ConsultationFactory(results_visibility=ResultsVisibility.AFTER_CLOSE)
    for path in ("results/", "results.csv"):
        response = api_as(steering).get(url(consultation, path))
        assert response.status_code == 403
        assert response.json()["code"] == "results_hidden"


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_results_csv_lists_axes_in_borda_order(api_as, consultation):
    a, b, c, d = axis_ids(consultation)
    answer(consultation, [c, a, b, d])
    response = api_as(None).get(url(consultation, "results.csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert rows[0] == ["Participation", "1", "sur", "1"]
    titles = [row[0] for row in rows[4:8]]
    assert titles == [
        "Juridique",
        "Représentation et lobbying",
        "Communication et promotion",
        "Observatoire",
    ]


def test_answers_csv_is_for_facilitators(api_as, member, secretariat, consultation):
    a, b, c, d = axis_ids(consultation)
    organisation = OrganisationFactory(name="Coop Azimut Lyon")
    answer(
        consultation, [d, c, b, a], organisation=organisation, channel="territorial", comment="Vite"
    )
    assert api_as(member).get(url(consultation, "answers.csv")).status_code == 403
    rows = read_csv(api_as(secretariat).get(url(consultation, "answers.csv")))
    assert rows[0][:5] == ["CAE", "Réseaux", "Canal", "Rencontre", "Date de la rencontre"]
    line = rows[1]
    assert line[0] == "Coop Azimut Lyon"
    assert line[2] == "rencontre territoriale"
    assert line[5:9] == ["4", "3", "2", "1"]  # rank given to each axis, in axis order
    assert line[9] == "Vite"


def test_the_steering_committee_creates_a_consultation(api_as, steering, member):
    payload = {
        "title": "Priorités 2027",
        "slug": "priorites-2027",
        "opens_at": "2027-01-01T09:00:00+01:00",
        "closes_at": "2027-03-01T18:00:00+01:00",
        "axes": ["Lobbying", "Promotion", "Juridique"],
        "results_visibility": "after_close",
    }
    assert api_as(member).post("/api/consultations/", payload, format="json").status_code == 403
    response = api_as(steering).post("/api/consultations/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [a["title"] for a in body["axes"]] == ["Lobbying", "Promotion", "Juridique"]
    assert body["status"] == "upcoming"
    again = api_as(steering).post("/api/consultations/", payload, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "slug_taken")


def test_every_endpoint_is_in_the_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = set(schema["paths"])
    for path in [
        "/api/consultations/",
        "/api/consultations/{slug}/",
        "/api/consultations/{slug}/axes/",
        "/api/consultations/{slug}/my-answer/",
        "/api/consultations/{slug}/answers/",
        "/api/consultations/{slug}/answers.csv",
        "/api/consultations/{slug}/results/",
        "/api/consultations/{slug}/results.csv",
    ]:
        assert path in paths
    assert "put" in schema["paths"]["/api/consultations/{slug}/my-answer/"]


def test_answers_csv_never_carries_a_spreadsheet_formula(api_as, secretariat, consultation):
    answer(consultation, axis_ids(consultation), comment='=HYPERLINK("http://x","clic")')
    rows = read_csv(api_as(secretariat).get(url(consultation, "answers.csv")))
    assert rows[1][9] == '\'=HYPERLINK("http://x","clic")'
