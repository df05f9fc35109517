import csv
import io

import pytest

from proposals.models import AmendmentStatus, NoteKind, Position, ProposalStatus
from proposals.scenarios import services
from tests.factories import DelegateFactory, NetworkFactory, OrganisationFactory, UserFactory
from tests.proposals.factories import make_proposal

pytestmark = pytest.mark.django_db


def test_create_then_edit_makes_versions_and_the_diff_api_shows_the_change(api_as, steering):
    client = api_as(steering)
    created = client.post(
        "/api/proposals/",
        {"title": "Fédération", "body": "Les CAE se fédèrent.", "by_steering_committee": True},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["status"] == "draft"
    edited = client.patch(
        f"/api/proposals/{pk}/",
        {"body": "Les CAE se fédèrent au sein de la CGSCOP.", "expected_version": 1},
        format="json",
    )
    assert edited.status_code == 200 and edited.json()["current_version"] == 2

    diff = client.get(f"/api/proposals/{pk}/diff/?from=1&to=2").json()
    assert diff["from_version"] == 1 and diff["to_version"] == 2
    assert {"op": "insert", "text": " au sein de la CGSCOP"} in diff["body"]
    assert "<ins> au sein de la CGSCOP</ins>" in diff["body_html"]
    assert diff["stats"]["deleted_tokens"] == 0

    versions = client.get(f"/api/proposals/{pk}/versions/").json()["results"]
    assert [v["number"] for v in versions] == [2, 1]
    assert client.get(f"/api/proposals/{pk}/versions/1/").json()["body"] == "Les CAE se fédèrent."


def test_diff_api_bad_inputs_have_codes(api_as):
    proposal = make_proposal()
    client = api_as(None)
    missing = client.get(f"/api/proposals/{proposal.pk}/diff/?from=1")
    assert missing.status_code == 400 and missing.json()["code"] == "invalid_version"
    unknown = client.get(f"/api/proposals/{proposal.pk}/diff/?from=1&to=9")
    assert unknown.status_code == 404 and unknown.json()["code"] == "version_not_found"


def test_drafts_are_hidden_from_other_cae_and_the_public(api_as, member):
    draft = services.proposal_create(actor=member, title="Brouillon", body="B")
    assert api_as(None).get(f"/api/proposals/{draft.pk}/").status_code == 404
    assert api_as(UserFactory()).get(f"/api/proposals/{draft.pk}/").status_code == 404
    assert api_as(member).get(f"/api/proposals/{draft.pk}/").status_code == 200
    listed = api_as(None).get("/api/proposals/").json()
    assert listed["count"] == 0


def test_status_endpoint_for_the_steering_committee_only(api_as, steering, member):
    proposal = make_proposal(status=ProposalStatus.DRAFT)
    url = f"/api/proposals/{proposal.pk}/status/"
    refused = api_as(member).post(url, {"status": "open"}, format="json")
    assert refused.status_code == 404  # a draft of the steering committee is not visible
    assert api_as(steering).post(url, {"status": "open"}, format="json").json()["status"] == "open"
    bad = api_as(steering).post(url, {"status": "draft"}, format="json")
    assert bad.status_code == 409 and bad.json()["code"] == "invalid_transition"
    assert api_as(member).post(url, {"status": "voting"}, format="json").status_code == 403


def test_amendment_flow_through_the_api(api_as, member, steering):
    proposal = make_proposal()
    created = api_as(member).post(
        f"/api/proposals/{proposal.pk}/amendments/",
        {"paragraph_index": 2, "replacement_text": "Financement mutualisé.", "rationale": "R"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["organisation"]["id"] == member.organisation_id
    assert body["original_text"] == "Troisième paragraphe sur le financement."
    pk = body["id"]

    assert api_as(member).post(f"/api/amendments/{pk}/accept/").status_code == 403
    accepted = api_as(steering).post(f"/api/amendments/{pk}/accept/", {}, format="json")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == AmendmentStatus.ACCEPTED
    assert accepted.json()["resulting_version"] == 2
    again = api_as(steering).post(f"/api/amendments/{pk}/reject/", {"reason": "x"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_decided"


def test_amendment_to_a_closed_proposal_answers_proposal_closed(api_as, member):
    proposal = make_proposal(status=ProposalStatus.ADOPTED)
    response = api_as(member).post(
        f"/api/proposals/{proposal.pk}/amendments/",
        {"replacement_text": "x", "rationale": "r"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "proposal_closed"
    assert response.json()["message"] == "Cette proposition n'est pas ouverte aux commentaires."
    assert not proposal.amendments.exists()


def test_outdated_amendment_answers_a_conflict(api_as, member, steering):
    proposal = make_proposal(actor=steering)
    amendment = services.amendment_create(
        actor=member, proposal=proposal, replacement_text="x", rationale="r"
    )
    services.proposal_update(actor=steering, proposal=proposal, body="Autre texte.")
    response = api_as(steering).post(f"/api/amendments/{amendment.pk}/accept/")
    assert response.status_code == 409 and response.json()["code"] == "amendment_outdated"


def test_reject_and_withdraw_endpoints(api_as, member, steering):
    proposal = make_proposal()
    first = services.amendment_create(
        actor=member, proposal=proposal, replacement_text="x", rationale="r"
    )
    second = services.amendment_create(
        actor=member, proposal=proposal, replacement_text="y", rationale="r"
    )
    missing = api_as(steering).post(f"/api/amendments/{first.pk}/reject/", {}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "invalid"
    rejected = api_as(steering).post(
        f"/api/amendments/{first.pk}/reject/", {"reason": "Non."}, format="json"
    )
    assert rejected.json()["status"] == "rejected"
    withdrawn = api_as(member).post(f"/api/amendments/{second.pk}/withdraw/")
    assert withdrawn.json()["status"] == "withdrawn"
    pending = api_as(None).get(f"/api/proposals/{proposal.pk}/amendments/?status=pending")
    assert pending.json()["count"] == 0


def test_position_from_someone_who_does_not_speak_for_the_network(api_as, member):
    network = NetworkFactory(slug="cpe")
    proposal = make_proposal()
    response = api_as(member).post(
        f"/api/proposals/{proposal.pk}/positions/",
        {"network": "cpe", "position": Position.SUPPORTS},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_network_spokesperson"
    delegate = DelegateFactory(organisation=OrganisationFactory(networks=[network]))
    for position in (Position.UNDECIDED, Position.SUPPORTS):
        ok = api_as(delegate).post(
            f"/api/proposals/{proposal.pk}/positions/",
            {"network": "cpe", "position": position, "statement": "**Oui**"},
            format="json",
        )
        assert ok.status_code == 201
    current = api_as(None).get(f"/api/proposals/{proposal.pk}/positions/").json()
    assert [p["position"] for p in current] == ["supports"]
    assert current[0]["statement_html"] == "<p><strong>Oui</strong></p>"
    history = api_as(None).get(f"/api/proposals/{proposal.pk}/positions/history/?network=cpe")
    assert [p["is_current"] for p in history.json()["results"]] == [True, False]
    unknown = api_as(delegate).post(
        f"/api/proposals/{proposal.pk}/positions/",
        {"network": "inconnu", "position": "supports"},
        format="json",
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "network_not_found"


def test_workshop_notes_endorsement_and_csv(api_as, member, secretariat):
    proposal = make_proposal()
    note = api_as(secretariat).post(
        f"/api/proposals/{proposal.pk}/notes/",
        {"kind": "brake", "text": "=SOMME(A1)", "session": "Atelier 1"},
        format="json",
    )
    assert note.status_code == 201
    note_id = note.json()["id"]
    endorsed = api_as(member).post(f"/api/notes/{note_id}/endorsement/")
    assert endorsed.json() == {"endorsed": True, "endorsement_count": 1}
    listed = api_as(member).get(f"/api/proposals/{proposal.pk}/notes/?kind=brake").json()
    assert listed["results"][0]["endorsed_by_me"] is True
    assert listed["results"][0]["endorsement_count"] == 1
    withdrawn = api_as(member).delete(f"/api/notes/{note_id}/endorsement/")
    assert withdrawn.json() == {"endorsed": False, "endorsement_count": 0}
    bad = api_as(member).post(
        f"/api/proposals/{proposal.pk}/notes/", {"kind": "joie", "text": "x"}, format="json"
    )
    assert bad.status_code == 400 and "kind" in bad.json()["details"]

    response = api_as(None).get(f"/api/proposals/{proposal.pk}/notes.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Type", "Note", "Atelier"]
    assert rows[1][:3] == ["frein", "'=SOMME(A1)", "Atelier 1"]  # no formula for Excel


def test_csv_lists_every_kind_in_board_order(api_as, member):
    proposal = make_proposal()
    for kind in reversed(NoteKind.values):
        services.workshop_note_create(actor=member, proposal=proposal, kind=kind, text=kind)
    content = api_as(None).get(f"/api/proposals/{proposal.pk}/notes.csv").content.decode()
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))[1:]
    assert {r[0] for r in rows} == {"frein", "crainte", "levier", "force"}


def test_anonymous_writes_are_refused(api_as):
    proposal = make_proposal()
    response = api_as(None).post(
        f"/api/proposals/{proposal.pk}/amendments/",
        {"replacement_text": "x", "rationale": "r"},
        format="json",
    )
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_list_endpoint_query_count_does_not_grow(api_as, django_assert_num_queries, member):
    for n in range(6):
        proposal = make_proposal(title=f"Scénario {n}")
        services.amendment_create(
            actor=member, proposal=proposal, replacement_text="x", rationale="r"
        )
    client = api_as(None)
    with django_assert_num_queries(2):  # count + page
        response = client.get("/api/proposals/")
    assert response.json()["count"] == 6
    assert response.json()["results"][0]["pending_amendments"] == 1


def test_notes_and_amendment_lists_have_pinned_query_counts(
    api_as, django_assert_num_queries, member
):
    proposal = make_proposal()
    for n in range(5):
        note = services.workshop_note_create(
            actor=member, proposal=proposal, kind=NoteKind.LEVER, text=f"n{n}"
        )
        services.note_endorse(actor=member, note=note)
        services.amendment_create(
            actor=member, proposal=proposal, replacement_text=f"x{n}", rationale="r"
        )
    client = api_as(member)
    # proposal + count + page
    with django_assert_num_queries(3):
        client.get(f"/api/proposals/{proposal.pk}/notes/")
    with django_assert_num_queries(3):
        client.get(f"/api/proposals/{proposal.pk}/amendments/")


def test_every_endpoint_is_in_the_schema(api_client):
    paths = api_client.get("/api/schema/?format=json").json()["paths"]
    for path in [
        "/api/proposals/",
        "/api/proposals/{id}/",
        "/api/proposals/{id}/status/",
        "/api/proposals/{id}/versions/",
        "/api/proposals/{id}/versions/{number}/",
        "/api/proposals/{id}/diff/",
        "/api/proposals/{id}/amendments/",
        "/api/amendments/{id}/",
        "/api/amendments/{id}/accept/",
        "/api/amendments/{id}/reject/",
        "/api/amendments/{id}/withdraw/",
        "/api/proposals/{id}/notes/",
        "/api/proposals/{id}/notes.csv",
        "/api/notes/{id}/endorsement/",
        "/api/proposals/{id}/positions/",
        "/api/proposals/{id}/positions/history/",
    ]:
        assert path in paths, path


def test_person_names_are_for_signed_in_callers_only(api_as, member, steering):
    proposal = make_proposal(actor=steering)
    services.amendment_create(actor=member, proposal=proposal, replacement_text="x", rationale="r")
    anonymous = api_as(None).get(f"/api/proposals/{proposal.pk}/amendments/").json()
    assert anonymous["results"][0]["author"] is None
    assert anonymous["results"][0]["organisation"]["name"] == member.organisation.name
    signed_in = api_as(UserFactory()).get(f"/api/proposals/{proposal.pk}/amendments/").json()
    assert signed_in["results"][0]["author"]["display_name"] == member.display_name
    versions = api_as(None).get(f"/api/proposals/{proposal.pk}/versions/").json()
    assert versions["results"][0]["author"] is None


def test_unknown_filter_values_answer_invalid(api_as):
    proposal = make_proposal()
    for url in (
        "/api/proposals/?status=nope",
        f"/api/proposals/{proposal.pk}/amendments/?status=nope",
        f"/api/proposals/{proposal.pk}/notes/?kind=joie",
    ):
        response = api_as(None).get(url)
        assert response.status_code == 400, url
        assert response.json()["code"] == "invalid"
    ok = api_as(None).get("/api/proposals/?status=open&process=etats-generaux-2018")
    assert ok.status_code == 200 and ok.json()["count"] == 0
