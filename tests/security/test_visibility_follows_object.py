"""A debate inherits who may see its object: the attacker is a plain member of another CAE (and
an anonymous visitor) trying every door on the thread of a draft proposal, and on the remarks
of a document in review."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client

from deliberation import services as debates
from deliberation.models import Follow, Notification
from deliberation.routing import websocket_urlpatterns
from proposals.models import ProposalStatus
from tests.documents.factories import in_review
from tests.factories import OrganisationFactory, UserFactory
from tests.proposals.factories import make_proposal

SECRET_WORD = "confidentielissime"


@pytest.fixture
def draft_debate(steering):
    proposal = make_proposal(
        actor=steering, status=ProposalStatus.DRAFT, title=f"Brouillon {SECRET_WORD}"
    )
    thread = debates.thread_for(proposal, title=f"Brouillon {SECRET_WORD}")
    comment = debates.comment_create(author=steering, thread=thread, body=f"Mot {SECRET_WORD}")
    return thread, comment


@pytest.fixture
def outsider(db):
    return UserFactory(organisation=OrganisationFactory())


def page_as(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
def test_an_outsider_finds_no_door_into_the_debate_of_a_draft_proposal(
    api_as, draft_debate, outsider, steering
):
    thread, comment = draft_debate
    api = api_as(outsider)
    listed = api.get("/api/threads/").json()
    assert thread.pk not in [t["id"] for t in listed["results"]]
    for url in (
        f"/api/threads/{thread.pk}/",
        f"/api/threads/{thread.pk}/comments/",
        f"/api/comments/{comment.pk}/",
        f"/api/comments/{comment.pk}/revisions/",
        f"/api/threads/{thread.pk}/synthesis/",
    ):
        answer = api.get(url)
        assert answer.status_code == 404, url
        assert SECRET_WORD not in answer.content.decode()
    posted = api.post(f"/api/threads/{thread.pk}/comments/", {"body": "Je m'invite."})
    assert posted.status_code == 404
    assert api.put(f"/api/threads/{thread.pk}/follow/").status_code == 404
    reacted = api.put(f"/api/comments/{comment.pk}/reaction/", {"kind": "agree"}, format="json")
    assert reacted.status_code == 404
    found = api.get("/api/search/comments/", {"q": SECRET_WORD}).json()
    assert found["count"] == 0
    assert thread.comments.count() == 1  # nothing written

    pages = page_as(outsider)
    for url in (f"/debats/{thread.pk}/", f"/debats/{thread.pk}/synthese/"):
        assert pages.get(url).status_code == 404, url
    assert SECRET_WORD not in pages.get("/debats/").content.decode()
    searched = pages.get("/debats/recherche/", {"q": SECRET_WORD}).content.decode()
    assert f"Mot {SECRET_WORD}" not in searched  # the query is echoed, the comment is not
    assert pages.post(f"/debats/{thread.pk}/commenter/", {"body": "x"}).status_code == 404

    anonymous = page_as(None)
    assert anonymous.get(f"/debats/{thread.pk}/synthese/").status_code == 404
    assert api_as(None).get(f"/api/threads/{thread.pk}/synthesis/").status_code == 404

    # The steering committee, who may see the draft, still has its debate.
    assert api_as(steering).get(f"/api/threads/{thread.pk}/").status_code == 200


@pytest.mark.django_db
def test_an_outsider_following_everything_is_not_notified_of_a_draft_debate(
    draft_debate, outsider, steering
):
    """A follow left over from before (the follow door itself is closed, see above) must not
    carry the draft's debate to the outsider's notifications."""
    thread, comment = draft_debate
    Follow.objects.create(
        person=outsider, content_type=thread.content_type, object_id=thread.object_id
    )
    debates.comment_create(author=steering, thread=thread, parent=comment, body="Réponse.")
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert page_as(outsider).get("/notifications/").status_code == 200


def in_own_loop(coroutine):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=60)


async def _watch(thread_id, user):
    communicator = WebsocketCommunicator(
        URLRouter(websocket_urlpatterns), f"/ws/threads/{thread_id}/"
    )
    communicator.scope["user"] = user
    return await communicator.connect()


@pytest.mark.django_db(transaction=True)
def test_an_outsider_cannot_watch_a_draft_debate_live(draft_debate, outsider, steering):
    thread, _comment = draft_debate
    assert in_own_loop(_watch(thread.pk, outsider)) == (False, 4403)
    connected, _ = in_own_loop(_watch(thread.pk, steering))
    assert connected


@pytest.mark.django_db
def test_remarks_withdrawn_or_hidden_are_not_served(api_as, steering, member, secretariat):
    document = in_review(steering)
    url = f"/api/documents/{document.slug}/remarks/"
    kept, withdrawn, hidden = (
        api_as(member).post(url, {"paragraph": 1, "body": body}, format="json").json()["id"]
        for body in ("Gardée", f"Retirée {SECRET_WORD}", f"Masquée {SECRET_WORD}")
    )
    remarks = {r.pk: r for r in document.remarks.select_related("comment")}
    debates.comment_delete(author=member, comment=remarks[withdrawn].comment)
    debates.comment_hide(
        moderator=secretariat, comment=remarks[hidden].comment, reason="Hors charte"
    )
    for reader in (member, steering, secretariat):
        answer = api_as(reader).get(url)
        assert [r["id"] for r in answer.json()] == [kept]
        assert SECRET_WORD not in answer.content.decode()
