import pytest
from django.urls import reverse

from deliberation import services
from deliberation.models import Comment, Notification, Reaction
from tests.deliberation.factories import a_thread, bulk_comments

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread():
    return a_thread("Scénario fédéral")


@pytest.fixture
def comment(thread, member):
    return services.comment_create(author=member, thread=thread, body="Un **avis**")


def test_a_page_of_50_comments_out_of_10000_takes_3_queries(
    api_as, member, thread, django_assert_num_queries
):
    bulk_comments(thread, 10_000)
    client = api_as(member)
    url = f"/api/threads/{thread.pk}/comments/?page=37"
    client.get(url)  # content types are cached once per process
    # may the person see the thread's object (one statement), the page with the total, its
    # CAEs' networks
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.status_code == 200
    assert response.data["count"] == 10_000
    assert len(response.data["results"]) == 50
    first = response.data["results"][0]
    assert first["body"] == "Commentaire 1800"
    assert first["organisation"]["networks"][0]["label"]
    assert first["reactions"] == {"agree": 0, "disagree": 0, "pass": 0}


def test_threads_are_found_by_target(api_as, member, thread):
    response = api_as(member).get(
        "/api/threads/", {"content_type": "alliance.organisation", "object_id": thread.object_id}
    )
    assert [t["id"] for t in response.data["results"]] == [thread.pk]
    assert response.data["results"][0]["content_type"] == "alliance.organisation"
    bad = api_as(member).get("/api/threads/", {"content_type": "nope.nope"})
    assert (bad.status_code, bad.data["code"]) == (400, "unknown_content_type")


def test_anonymous_callers_cannot_read_debates(api_as, thread):
    assert api_as(None).get(f"/api/threads/{thread.pk}/comments/").status_code == 401


def test_create_edit_history_delete(api_as, member, thread):
    client = api_as(member)
    created = client.post(
        f"/api/threads/{thread.pk}/comments/", {"body": "Premier", "stance": "question"}
    )
    assert created.status_code == 201, created.data
    comment_id = created.data["id"]
    assert created.data["organisation"]["id"] == member.organisation_id
    edited = client.patch(f"/api/comments/{comment_id}/", {"body": "Second"}, format="json")
    assert edited.data["body"] == "Second" and edited.data["stance"] == "question"
    history = client.get(f"/api/comments/{comment_id}/revisions/")
    assert [r["body"] for r in history.data] == ["Premier"]
    assert client.delete(f"/api/comments/{comment_id}/").status_code == 204
    shown = client.get(f"/api/comments/{comment_id}/").data
    assert (shown["status"], shown["body"], shown["body_html"]) == ("deleted", None, None)
    listed = client.get(f"/api/threads/{thread.pk}/comments/").data["results"]
    assert listed[0]["body"] is None


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"body": ""}, 400, "comment_empty"),
        ({"body": "x" * 10_001}, 400, "comment_too_long"),
        ({"body": "Oui", "stance": "pour"}, 400, "invalid_stance"),
        ({"body": "Oui", "parent": 999_999}, 404, "not_found"),
        ({}, 400, "invalid"),
    ],
)
def test_bad_comments_are_refused_with_a_code(api_as, member, thread, payload, status, code):
    response = api_as(member).post(f"/api/threads/{thread.pk}/comments/", payload, format="json")
    assert (response.status_code, response.data["code"]) == (status, code)
    assert response.data["message"]
    assert not Comment.objects.exists()


def test_reply_to_a_hidden_comment_is_refused(api_as, comment, delegate, secretariat):
    services.comment_hide(moderator=secretariat, comment=comment, reason="Non")
    response = api_as(delegate).post(
        f"/api/threads/{comment.thread_id}/comments/", {"body": "Hé", "parent": comment.pk}
    )
    assert (response.status_code, response.data["code"]) == (400, "parent_not_visible")
    assert api_as(delegate).get(f"/api/comments/{comment.pk}/").data["moderation_reason"] == "Non"


def test_reactions_put_and_delete(api_as, comment, delegate, member):
    client = api_as(delegate)
    response = client.put(f"/api/comments/{comment.pk}/reaction/", {"kind": "pass"})
    assert response.data == {
        "comment": comment.pk,
        "kind": "pass",
        "counts": {"agree": 0, "disagree": 0, "pass": 1},
    }
    assert client.delete(f"/api/comments/{comment.pk}/reaction/").data["kind"] is None
    own = api_as(member).put(f"/api/comments/{comment.pk}/reaction/", {"kind": "agree"})
    assert (own.status_code, own.data["code"]) == (400, "own_comment")
    missing = client.put("/api/comments/999999/reaction/", {"kind": "agree"})
    assert (missing.status_code, missing.data["code"]) == (404, "not_found")
    assert not Reaction.objects.exists()


def test_reports_and_moderation(api_as, comment, delegate, secretariat):
    report = api_as(delegate).post(f"/api/comments/{comment.pk}/reports/", {"reason": "Spam"})
    assert report.status_code == 201
    assert api_as(delegate).get("/api/reports/").status_code == 403
    assert [r["reason"] for r in api_as(secretariat).get("/api/reports/").data["results"]] == [
        "Spam"
    ]
    refused = api_as(delegate).post(f"/api/comments/{comment.pk}/hide/", {"reason": "x"})
    assert refused.status_code == 403
    hidden = api_as(secretariat).post(f"/api/comments/{comment.pk}/hide/", {"reason": "Spam"})
    assert hidden.data["status"] == "hidden" and hidden.data["body"] is None
    unhidden = api_as(secretariat).post(f"/api/comments/{comment.pk}/unhide/", {"reason": "Ok"})
    assert unhidden.data["status"] == "visible"
    log = api_as(secretariat).get("/api/moderation-actions/").data["results"]
    assert [a["kind"] for a in log] == ["unhide", "hide"]


def test_follow_and_notifications(api_as, comment, delegate, member):
    client = api_as(delegate)
    assert client.put(f"/api/threads/{comment.thread_id}/follow/").data == {"following": True}
    assert len(client.get("/api/follows/").data["results"]) == 1
    services.comment_create(author=member, thread=comment.thread, body="Nouveau")
    assert client.get("/api/notifications/unread-count/").data == {"unread": 1}
    listed = client.get("/api/notifications/", {"unread": "1"}).data["results"]
    assert listed[0]["kind"] == "comment"
    assert client.post("/api/notifications/mark-read/", {}, format="json").data == {"marked": 1}
    assert client.get("/api/notifications/unread-count/").data == {"unread": 0}
    bad = client.post("/api/notifications/mark-read/", {"ids": ["a"]}, format="json")
    assert bad.status_code == 400
    assert client.delete(f"/api/threads/{comment.thread_id}/follow/").data == {"following": False}
    assert Notification.objects.filter(recipient=delegate).count() == 1


def test_preference(api_as, member):
    client = api_as(member)
    assert client.get("/api/notifications/preference/").data == {"email_frequency": "daily"}
    response = client.put("/api/notifications/preference/", {"email_frequency": "off"})
    assert response.data == {"email_frequency": "off"}
    bad = client.put("/api/notifications/preference/", {"email_frequency": "weekly"})
    assert (bad.status_code, bad.data["code"]) == (400, "invalid_frequency")


def test_search(api_as, member, thread):
    services.comment_create(author=member, thread=thread, body="Les coopératives fédérées")
    services.comment_create(author=member, thread=thread, body="Sans rapport")
    response = api_as(member).get("/api/search/comments/", {"q": "coopératives"})
    assert [c["body"] for c in response.data["results"]] == ["Les coopératives fédérées"]
    empty = api_as(member).get("/api/search/comments/", {"q": " "})
    assert (empty.status_code, empty.data["code"]) == (400, "search_empty")


def test_every_debate_endpoint_is_in_the_schema(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    paths = set(schema["paths"])
    for expected in [
        "/api/threads/",
        "/api/threads/{thread_id}/",
        "/api/threads/{thread_id}/comments/",
        "/api/threads/{thread_id}/follow/",
        "/api/comments/{comment_id}/",
        "/api/comments/{comment_id}/revisions/",
        "/api/comments/{comment_id}/reaction/",
        "/api/comments/{comment_id}/reports/",
        "/api/comments/{comment_id}/hide/",
        "/api/comments/{comment_id}/unhide/",
        "/api/comments/{comment_id}/dismiss-reports/",
        "/api/reports/",
        "/api/moderation-actions/",
        "/api/follows/",
        "/api/notifications/",
        "/api/notifications/unread-count/",
        "/api/notifications/mark-read/",
        "/api/notifications/preference/",
        "/api/search/comments/",
    ]:
        assert expected in paths


def test_comments_of_a_missing_thread_answer_404(api_as, member):
    response = api_as(member).get("/api/threads/999999/comments/")
    assert (response.status_code, response.data["code"]) == (404, "not_found")
