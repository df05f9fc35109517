"""The documents API: reading rights, concurrency, transitions, remarks, diffs, exports."""

from datetime import timedelta

import pytest
from django.utils import timezone

from documents import services
from documents.models import Document
from tests.documents.factories import BODY_V1, draft, in_review, published

pytestmark = pytest.mark.django_db


def test_the_list_shows_what_each_reader_may_read(api_as, steering, member):
    draft(steering, title="Brouillon")
    in_review(steering, title="En relecture")
    published(steering, title="Public", is_public=True)
    titles = lambda user: [d["title"] for d in api_as(user).get("/api/documents/").data["results"]]  # noqa: E731
    assert titles(steering) == ["Brouillon", "En relecture", "Public"]
    assert titles(member) == ["En relecture", "Public"]
    assert titles(None) == ["Public"]


def test_list_query_count_does_not_grow(api_as, steering, django_assert_num_queries):
    for i in range(5):
        published(steering, title=f"Document {i}")
    client = api_as(steering)
    with django_assert_num_queries(2):
        response = client.get("/api/documents/")
    assert response.data["count"] == 5


def test_create_update_and_conflict(api_as, steering, member):
    client = api_as(steering)
    created = client.post("/api/documents/", {"title": "Gouvernance", "kind": "governance"})
    assert created.status_code == 201 and created.data["revision"] == 1
    url = f"/api/documents/{created.data['slug']}/"
    saved = client.patch(url, {"revision": 1, "body": "Premier jet."}, format="json")
    assert saved.status_code == 200 and saved.data["revision"] == 2
    stale = client.patch(url, {"revision": 1, "body": "Mon texte."}, format="json")
    assert stale.status_code == 409 and stale.data["code"] == "edit_conflict"
    assert stale.data["details"]["your_body"] == "Mon texte."
    assert stale.data["details"]["diff"] == [{"op": "insert", "text": "Premier jet."}]
    refused = api_as(member).post("/api/documents/", {"title": "X"})
    assert refused.status_code == 403 and refused.data["code"] == "not_steering_committee"


def test_a_draft_is_invisible_outside_the_committee(api_as, steering, member):
    document = draft(steering)
    response = api_as(member).get(f"/api/documents/{document.slug}/")
    assert response.status_code == 404 and response.data["code"] == "document_not_found"


def test_transitions_and_their_errors(api_as, steering):
    document = draft(steering)
    client = api_as(steering)
    url = f"/api/documents/{document.slug}/transitions/"
    missing = client.post(url, {"to": "in_review"}, format="json")
    assert missing.status_code == 400 and missing.data["code"] == "deadline_invalid"
    wrong = client.post(url, {"to": "superseded"}, format="json")
    assert wrong.data["code"] == "transition_not_allowed"
    deadline = (timezone.now() + timedelta(days=3)).isoformat()
    opened = client.post(url, {"to": "in_review", "deadline": deadline}, format="json")
    assert opened.status_code == 201 and opened.data["version"] == 1
    assert [t["to_status"] for t in client.get(url).data] == ["in_review"]
    edit = client.patch(
        f"/api/documents/{document.slug}/", {"revision": 1, "body": "x"}, format="json"
    )
    assert edit.status_code == 409 and edit.data["code"] == "document_not_draft"


def test_remarks_answers_and_placement(api_as, steering, member):
    document = in_review(steering)
    url = f"/api/documents/{document.slug}/remarks/"
    bad = api_as(member).post(url, {"paragraph": 42, "body": "?"}, format="json")
    assert bad.status_code == 404 and bad.data["code"] == "paragraph_not_found"
    made = api_as(member).post(
        url, {"paragraph": 1, "body": "Combien ?", "stance": "question"}, format="json"
    )
    assert made.status_code == 201
    assert made.data["organisation"] == member.organisation.name
    assert made.data["placement"] == {"version": 1, "state": "kept", "index": 1}
    answer_url = f"{url}{made.data['id']}/answer/"
    assert api_as(member).put(answer_url, {"status": "answered", "reply": "x"}).status_code == 403
    answered = api_as(steering).put(
        answer_url, {"status": "declined", "reply": "Hors sujet."}, format="json"
    )
    assert answered.status_code == 200 and answered.data["status"] == "declined"
    listed = api_as(member).get(url).data
    assert listed[0]["answer"]["reply"] == "Hors sujet."


def test_commenting_after_the_deadline(api_as, steering, member):
    document = in_review(steering)
    Document.objects.filter(pk=document.pk).update(
        review_deadline=timezone.now() - timedelta(hours=1)
    )
    response = api_as(member).post(
        f"/api/documents/{document.slug}/remarks/", {"paragraph": 0, "body": "Tard"}
    )
    assert response.status_code == 409 and response.data["code"] == "review_closed"


def test_versions_and_diff(api_as, steering, member):
    document = in_review(steering)
    services.document_transition(actor=steering, document=document, to="draft")
    document.refresh_from_db()
    services.document_update(
        actor=steering,
        document=document,
        base_revision=document.revision,
        body=BODY_V1.replace("voté en assemblée", "voté en assemblée générale"),
    )
    services.document_transition(actor=steering, document=document, to="published")
    client = api_as(member)
    versions = client.get(f"/api/documents/{document.slug}/versions/").data
    assert [(v["number"], v["kind"]) for v in versions] == [(1, "review"), (2, "publication")]
    one = client.get(f"/api/documents/{document.slug}/versions/1/").data
    assert one["paragraphs"][0] == "# Projet économique"
    diff = client.get(f"/api/documents/{document.slug}/diff/?from=1&to=2").data
    assert [op for op in diff["ops"] if op["op"] != "equal"] == [
        {"op": "insert", "text": " générale"}
    ]
    assert diff["stats"] == {"inserted_tokens": 2, "deleted_tokens": 0}
    missing = client.get(f"/api/documents/{document.slug}/diff/?from=1&to=9")
    assert missing.status_code == 404 and missing.data["code"] == "version_not_found"
    bad = client.get(f"/api/documents/{document.slug}/diff/?from=abc&to=2")
    assert bad.status_code == 400 and bad.data["code"] == "invalid_version"


def test_exports(api_as, steering):
    document = published(steering, is_public=True)
    client = api_as(None)
    markdown = client.get(f"/api/documents/{document.slug}/export.md")
    assert markdown["Content-Type"].startswith("text/markdown")
    assert markdown.content.decode().startswith("# Modèle économique\n\n# Projet économique")
    html = client.get(f"/api/documents/{document.slug}/export.html")
    assert "<h2>Calendrier</h2>" in html.content.decode()
    assert 'filename="modele-economique-v1.html"' in html["Content-Disposition"]
    assert client.get(f"/api/documents/{document.slug}/export.pdf").data["code"] == "invalid_format"


def test_the_schema_lists_every_documents_endpoint(api_as, admin_user):
    schema = api_as(admin_user).get("/api/schema/?format=json").json()
    paths = {p for p in schema["paths"] if p.startswith("/api/documents")}
    assert paths == {
        "/api/documents/",
        "/api/documents/{slug}/",
        "/api/documents/{slug}/transitions/",
        "/api/documents/{slug}/versions/",
        "/api/documents/{slug}/versions/{number}/",
        "/api/documents/{slug}/diff/",
        "/api/documents/{slug}/remarks/",
        "/api/documents/{slug}/remarks/{id}/answer/",
        "/api/documents/{slug}/attachments/",
        "/api/documents/{slug}/attachments/{id}/",
        "/api/documents/{slug}/export.{fmt}",
    }


def test_a_document_is_created_for_a_target_of_an_allowed_app(api_as, steering, monkeypatch):
    from documents import services as document_services
    from tests.factories import NetworkFactory

    network = NetworkFactory()
    client = api_as(steering)
    payload = {"title": "Projet", "target_type": "alliance.network", "target_id": network.pk}
    refused = client.post("/api/documents/", payload, format="json")
    assert refused.status_code == 404 and refused.data["code"] == "target_not_found"
    monkeypatch.setattr(document_services, "TARGET_APPS", {"alliance"})
    created = client.post("/api/documents/", payload, format="json")
    assert created.status_code == 201
    assert (created.data["target_type"], created.data["target_id"]) == (
        "alliance.network",
        network.pk,
    )
    missing = client.post("/api/documents/", {**payload, "target_id": 999}, format="json")
    assert missing.data["code"] == "target_not_found"
