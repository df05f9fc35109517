"""Workflow rules per role, versions, remarks, answers and notifications."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.errors import Conflict, InvalidInput, NotAllowed, NotFound
from deliberation.models import Notification
from documents import rules, selectors, services
from documents.models import DocumentStatus, DocumentTransition, Remark
from tests.documents.factories import BODY_V1, draft, in_review, published
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def move(actor, document, to, **kwargs):
    return services.document_transition(actor=actor, document=document, to=to, **kwargs)


def next_week():
    return timezone.now() + timedelta(days=7)


@pytest.mark.parametrize("role", ["member", "delegate", "secretariat"])
def test_only_the_steering_committee_creates_edits_and_moves(request, steering, role):
    person = request.getfixturevalue(role)
    with pytest.raises(NotAllowed):
        draft(person)
    document = draft(steering)
    with pytest.raises(NotAllowed):
        services.document_update(actor=person, document=document, base_revision=1, body="x")
    with pytest.raises(NotAllowed):
        move(person, document, "in_review", deadline=next_week())
    document.refresh_from_db()
    assert (document.status, document.revision, document.body) == ("draft", 1, BODY_V1)
    assert not document.versions.exists()


def test_a_full_round_fixes_numbered_versions_and_traces_every_move(steering, member):
    document = draft(steering)
    move(steering, document, "in_review", deadline=next_week(), note="Premier tour")
    move(steering, document, "draft")
    document.refresh_from_db()
    services.document_update(
        actor=steering, document=document, base_revision=document.revision, body="Nouveau texte."
    )
    move(steering, document, "published")
    versions = list(document.versions.values_list("number", "kind", "body"))
    assert versions[0][:2] == (1, "review") and versions[1] == (2, "publication", "Nouveau texte.")
    assert list(
        DocumentTransition.objects.filter(document=document).values_list("from_status", "to_status")
    ) == [("draft", "in_review"), ("in_review", "draft"), ("draft", "published")]
    assert rules.can_read_document(member, document)


def test_opening_a_review_needs_a_future_deadline_and_a_body(steering):
    document = draft(steering)
    with pytest.raises(InvalidInput) as error:
        move(steering, document, "in_review", deadline=timezone.now() - timedelta(minutes=1))
    assert error.value.code == "deadline_invalid"
    empty = draft(steering, title="Vide", body="  ")
    with pytest.raises(InvalidInput) as error:
        move(steering, empty, "in_review", deadline=next_week())
    assert error.value.code == "document_empty"
    assert not document.versions.exists() and not empty.versions.exists()


def test_a_published_document_cannot_be_edited_nor_sent_back(steering):
    document = published(steering)
    with pytest.raises(Conflict) as error:
        services.document_update(
            actor=steering, document=document, base_revision=document.revision, body="Autre"
        )
    assert error.value.code == "document_published"
    with pytest.raises(InvalidInput) as error:
        move(steering, document, "draft")
    assert error.value.code == "transition_not_allowed"
    move(steering, document, "superseded")
    move(steering, document, "archived")
    document.refresh_from_db()
    assert document.status == DocumentStatus.ARCHIVED


def test_a_document_in_review_is_not_edited_until_back_to_draft(steering):
    document = in_review(steering)
    with pytest.raises(Conflict) as error:
        services.document_update(actor=steering, document=document, base_revision=1, body="x")
    assert error.value.code == "document_not_draft"


def test_opening_a_review_and_publishing_notify_the_members(steering, member, other_delegate):
    outsider = UserFactory(organisation=None)
    document = in_review(steering)
    notified = set(Notification.objects.values_list("recipient_id", "kind"))
    assert (member.pk, "document_review_opened") in notified
    assert (other_delegate.pk, "document_review_opened") in notified
    assert steering.pk not in {r for r, _kind in notified}  # the author is not told
    assert outsider.pk not in {r for r, _kind in notified}
    move(steering, document, "published")
    assert Notification.objects.filter(recipient=member, kind="document_published").exists()


def test_who_reads_what(steering, member, db):
    anonymous = UserFactory.build(organisation=None)
    anonymous.is_active = False
    working = draft(steering, title="Brouillon")
    reviewed = in_review(steering, title="En relecture")
    public = published(steering, title="Public", is_public=True)
    private = published(steering, title="Réservé")
    assert list(selectors.documents_for(steering).order_by("title")) == sorted(
        [working, reviewed, public, private], key=lambda d: d.title
    )
    assert set(selectors.documents_for(member)) == {reviewed, public, private}
    assert set(selectors.documents_for(anonymous)) == {public}
    assert rules.can_read_document(anonymous, public)
    assert not rules.can_read_document(anonymous, private)
    assert not rules.can_read_document(member, working)


def test_a_member_comments_a_paragraph_of_the_version_in_review(steering, member):
    document = in_review(steering)
    remark = services.remark_create(
        author=member,
        document=document,
        paragraph_index=2,
        body="Quel plafond ?",
        stance="question",
    )
    assert remark.paragraph_text.startswith("La cotisation")
    assert remark.version.number == 1
    assert remark.comment.thread.object_id == document.pk  # a comment of the document's debate
    assert remark.comment.stance == "question"
    assert remark.comment.organisation == member.organisation
    told = Notification.objects.get(kind="document_remark_created")
    assert told.recipient == steering and told.url.endswith(f"#remarque-{remark.pk}")


def test_no_remark_on_a_missing_paragraph_nor_after_the_deadline(steering, member):
    document = in_review(steering)
    with pytest.raises(NotFound) as error:
        services.remark_create(author=member, document=document, paragraph_index=99, body="?")
    assert error.value.code == "paragraph_not_found"
    document.review_deadline = timezone.now() - timedelta(seconds=1)
    document.save()
    with pytest.raises(Conflict) as error:
        services.remark_create(author=member, document=document, paragraph_index=1, body="?")
    assert error.value.code == "review_closed"
    assert not Remark.objects.exists()


def test_no_remark_outside_a_review_nor_from_outside_the_cae(steering, member):
    document = draft(steering)
    with pytest.raises(Conflict) as error:
        services.remark_create(author=member, document=document, paragraph_index=0, body="?")
    assert error.value.code == "review_not_open"
    reviewed = in_review(steering, title="Autre")
    with pytest.raises(NotAllowed):
        services.remark_create(
            author=UserFactory(organisation=None), document=reviewed, paragraph_index=0, body="?"
        )


def test_the_committee_answers_a_remark_and_its_author_is_told(steering, member):
    document = in_review(steering)
    remark = services.remark_create(author=member, document=document, paragraph_index=1, body="Oui")
    with pytest.raises(NotAllowed):
        services.remark_answer(actor=member, remark=remark, status="declined", reply="Non")
    with pytest.raises(InvalidInput) as error:
        services.remark_answer(actor=steering, remark=remark, status="declined", reply="")
    assert error.value.code == "reply_missing"
    services.remark_answer(actor=steering, remark=remark, status="answered", reply="Voir §2")
    answer = services.remark_answer(
        actor=steering, remark=remark, status="taken_into_account", reply=""
    )
    remark.refresh_from_db()
    assert remark.answer == answer and answer.status == "taken_into_account"
    assert (
        Notification.objects.filter(recipient=member, kind="document_remark_answered").count() == 2
    )


def test_remarks_follow_kept_paragraphs_into_the_next_version(steering, member):
    document = in_review(steering)
    kept = services.remark_create(author=member, document=document, paragraph_index=2, body="A")
    changed = services.remark_create(author=member, document=document, paragraph_index=1, body="B")
    move(steering, document, "draft")
    document.refresh_from_db()
    body = document.body.replace(
        "Les CAE mutualisent leurs moyens", "Les CAE mutualisent une part de leurs moyens"
    ).replace("# Projet économique\n\n", "# Projet économique\n\nUn préambule.\n\n")
    services.document_update(
        actor=steering, document=document, base_revision=document.revision, body=body
    )
    move(steering, document, "published")
    version2 = document.versions.get(number=2)
    placed = {p["remark"].pk: p["placement"] for p in selectors.remarks_on(document, version2)}
    assert (placed[kept.pk].state, placed[kept.pk].index) == ("kept", 3)
    assert (placed[changed.pk].state, placed[changed.pk].index) == ("changed", 2)
