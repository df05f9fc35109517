"""Synthesis API: reads for everyone, writes by role, one error shape."""

import pytest

from deliberation.models import SynthesisPin
from deliberation.synthesis import services
from tests.deliberation.synthesis_factories import (
    CommentFactory,
    PointFactory,
    make_camps_thread,
    react,
)
from tests.factories import NetworkFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_synthesis_is_readable_anonymously(api_as):
    network = NetworkFactory(acronym="CPE")
    point = PointFactory()
    react(point, OrganisationFactory(networks=[network]), "agree", 2)
    react(point, OrganisationFactory(), "disagree", 1)
    body = api_as(None).get(f"/api/threads/{point.thread_id}/synthesis/").json()
    assert [g["label"] for g in body["groups"]] == ["CPE", "Hors réseau"]
    (data,) = body["points"]
    assert data["overall"] == {
        "agree": 2,
        "disagree": 1,
        "pass": 0,
        "seen": 3,
        "agreement_rate": pytest.approx(2 / 3),
        "smoothed_agreement": pytest.approx(3 / 5),
        "small": False,
    }
    assert data["by_group"][1]["group"] == "outside" and data["by_group"][1]["small"]
    assert data["url"] == f"/debats/{point.thread_id}/#comment-{point.pk}"
    # CPE (2+1)/(2+2) = 3/4 and outside (0+1)/(1+2) = 1/3: consensus 1/4, spread 5/12
    assert data["consensus"] == pytest.approx(1 / 4)
    assert data["spread"] == pytest.approx(5 / 12)
    assert body["divergences"] == [point.pk] and body["opinion_groups"] is None


def test_unknown_thread_answers_not_found(api_as):
    response = api_as(None).get("/api/threads/999999/synthesis/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_opinion_groups_endpoint_tells_the_viewer_their_group(api_as):
    thread, _points, camps, _n = make_camps_thread()
    services.opinion_groups_compute(thread=thread)
    from alliance.models import User

    someone = User.objects.get(pk=min(camps[0]))
    body = api_as(someone).get(f"/api/threads/{thread.pk}/opinion-groups/").json()
    groups = body["opinion_groups"]["groups"]
    assert [g["size"] for g in groups] == [8, 8]
    assert sum(g["contains_viewer"] for g in groups) == 1
    assert len(body["opinion_groups"]["projection"]) == 16
    assert "members" not in groups[0]  # who is in which group is not published


def test_the_author_marks_and_unmarks_a_point(api_as, member):
    comment = CommentFactory(author=member)
    client = api_as(member)
    response = client.post(f"/api/comments/{comment.pk}/point/")
    assert response.status_code == 200 and response.json()["is_point"] is True
    assert client.delete(f"/api/comments/{comment.pk}/point/").json()["is_point"] is False


def test_marking_someone_elses_comment_is_refused(api_as, delegate):
    comment = CommentFactory()
    response = api_as(delegate).post(f"/api/comments/{comment.pk}/point/")
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"


def test_who_pinned_a_point_is_named_to_members_only(api_as, client, steering, member):
    point = PointFactory()
    services.synthesis_pin(actor=steering, comment=point, summary="À retenir")
    url = f"/api/threads/{point.thread_id}/synthesis/"
    assert api_as(None).get(url).json()["pins"][0]["pinned_by"] is None
    assert api_as(member).get(url).json()["pins"][0]["pinned_by"] == steering.display_name
    page = client.get(f"/debats/{point.thread_id}/synthese/").content.decode()
    assert "Épinglé par le comité de pilotage." in page
    assert steering.display_name not in page


def test_anonymous_writes_are_refused(api_as):
    comment = CommentFactory()
    response = api_as(None).post(f"/api/comments/{comment.pk}/point/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_steering_committee_pins_and_unpins(api_as, steering):
    point = PointFactory()
    client = api_as(steering)
    response = client.post(
        f"/api/threads/{point.thread_id}/pins/",
        {"comment": point.pk, "summary": "*Accord*", "kind": "convergence"},
        format="json",
    )
    assert response.status_code == 201
    pin = response.json()
    assert pin["summary_html"] == "<p><em>Accord</em></p>" and pin["kind"] == "convergence"
    synthesis = client.get(f"/api/threads/{point.thread_id}/synthesis/").json()
    assert [p["id"] for p in synthesis["pins"]] == [pin["id"]]
    assert client.delete(f"/api/threads/{point.thread_id}/pins/{pin['id']}/").status_code == 204
    assert not SynthesisPin.objects.exists()


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"summary": "x", "kind": "other"}, 400, "invalid"),
        ({"comment": 0, "summary": "x"}, 404, "not_found"),
        ({"comment": "POINT", "summary": "x", "kind": "maybe"}, 400, "invalid"),
        ({"comment": "COMMENT", "summary": "x"}, 400, "not_a_point"),
        ({"comment": "POINT", "summary": "  "}, 400, "invalid"),
    ],
)
def test_bad_pins_answer_a_code_and_change_nothing(api_as, steering, payload, status, code):
    point = PointFactory()
    plain = CommentFactory(thread=point.thread)
    payload = {
        key: {"POINT": point.pk, "COMMENT": plain.pk}.get(value, value)
        for key, value in payload.items()
    }
    response = api_as(steering).post(
        f"/api/threads/{point.thread_id}/pins/", payload, format="json"
    )
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not SynthesisPin.objects.exists()


def test_a_point_of_another_thread_cannot_be_pinned_here(api_as, steering):
    point, elsewhere = PointFactory(), PointFactory()
    response = api_as(steering).post(
        f"/api/threads/{point.thread_id}/pins/", {"comment": elsewhere.pk, "summary": "x"}
    )
    assert response.status_code == 404


def test_members_cannot_pin(api_as, delegate):
    point = PointFactory()
    response = api_as(delegate).post(
        f"/api/threads/{point.thread_id}/pins/", {"comment": point.pk, "summary": "x"}
    )
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"


def test_every_synthesis_endpoint_is_in_the_schema(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in [
        "/api/threads/{thread_id}/synthesis/",
        "/api/threads/{thread_id}/opinion-groups/",
        "/api/threads/{thread_id}/pins/",
        "/api/threads/{thread_id}/pins/{pin_id}/",
        "/api/comments/{comment_id}/point/",
    ]:
        assert path in paths
