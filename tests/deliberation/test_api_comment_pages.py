"""A thread's comments through the API: pages fetched with their total in one statement, each
row equal to what the serializer that documents it makes of the same comment."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from deliberation import services
from deliberation.api import CommentOutput
from deliberation.comment_pages import ThreadCommentPages
from deliberation.models import Comment, CommentStatus
from tests.deliberation.factories import a_thread, bulk_comments
from tests.factories import NetworkFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread():
    return a_thread("Scénario fédéral")


def page(client, thread, **params):
    return client.get(f"/api/threads/{thread.pk}/comments/", params)


def test_with_a_token_a_page_costs_five_queries_in_all(member, thread, django_assert_num_queries):
    bulk_comments(thread, 120)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member).key}")
    page(client, thread, page=2)  # content types are cached once per process
    # the token and its person, their CAE and the thread's visibility (the rule), the page, the
    # networks
    with django_assert_num_queries(5):
        response = page(client, thread, page=2)
    assert response.status_code == 200
    assert response.data["count"] == 120


def test_pages_follow_each_other_without_gap_or_repeat(api_as, member, thread):
    written = bulk_comments(thread, 120)
    client = api_as(member)
    seen, url = [], f"/api/threads/{thread.pk}/comments/"
    while url:
        response = client.get(url)
        assert response.data["count"] == 120
        seen += [c["id"] for c in response.data["results"]]
        url = response.data["next"]
    assert seen == [c.pk for c in written]
    last = page(client, thread, page=3)
    assert last.data["previous"].endswith("comments/?page=2")
    assert last.data["next"] is None


def test_the_last_page_by_name_and_a_chosen_page_size(api_as, member, thread):
    written = bulk_comments(thread, 120)
    last = page(api_as(member), thread, page="last", page_size=100)
    assert [c["id"] for c in last.data["results"]] == [c.pk for c in written[100:]]


@pytest.mark.parametrize("number", ["4", "0", "-1", "abc"])
def test_a_page_that_does_not_exist_is_a_404_in_the_error_shape(api_as, member, thread, number):
    bulk_comments(thread, 120)
    response = page(api_as(member), thread, page=number)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_empty_thread_has_an_empty_first_page_and_a_missing_one_is_a_404(api_as, member, thread):
    client = api_as(member)
    empty = page(client, thread)
    assert (empty.status_code, empty.data["count"], empty.data["results"]) == (200, 0, [])
    assert client.get("/api/threads/999999/comments/").status_code == 404


def test_a_page_is_chosen_among_the_threads_comments_only(thread, member):
    other = a_thread("Autre fil")
    bulk_comments(other, 30)
    mine = bulk_comments(thread, 30)
    rows, total = ThreadCommentPages(thread.pk).fetch(10, 10)
    assert total == 30
    assert [c["id"] for c in rows] == [c.pk for c in mine[10:20]]


def test_the_written_out_shape_equals_the_declared_one_in_every_state(thread, member):
    voter = UserFactory(organisation=member.organisation)
    member.organisation.networks.add(NetworkFactory(name="Zèbre", acronym=""), NetworkFactory())
    root = services.comment_create(author=member, thread=thread, body="Un **avis**")
    reply = services.comment_create(
        author=voter, thread=thread, parent=root, body="Réponse", stance="divergence"
    )
    services.reaction_set(person=voter, comment=root, kind="agree")
    services.comment_edit(editor=member, comment=root, body="Un avis **révisé**")
    Comment.objects.filter(pk=reply.pk).update(
        status=CommentStatus.HIDDEN, moderation_reason="Hors sujet"
    )
    loose = services.comment_create(author=voter, thread=thread, body="Sans CAE")
    Comment.objects.filter(pk=loose.pk).update(organisation=None)  # written before a CAE
    rows, _total = ThreadCommentPages(thread.pk).fetch(0, 50)
    declared = CommentOutput(
        Comment.objects.for_display().filter(thread=thread).order_by("created_at", "pk"), many=True
    ).data
    assert [c["id"] for c in rows] == [root.pk, reply.pk, loose.pk]
    assert rows == declared
    first, hidden, loose_row = rows
    assert first["reactions"] == {"agree": 1, "disagree": 0, "pass": 0}
    assert first["edited_at"] is not None
    assert [n["label"] for n in first["organisation"]["networks"]][-1] == "Zèbre"
    assert (hidden["body"], hidden["moderation_reason"]) == (None, "Hors sujet")
    assert loose_row["organisation"] is None
