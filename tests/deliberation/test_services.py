import pytest

from alliance.errors import Conflict, InvalidInput, NotAllowed
from deliberation import services
from deliberation.models import (
    CommentRevision,
    CommentStatus,
    Follow,
    ModerationAction,
    Notification,
    Reaction,
    Report,
)
from tests.deliberation.factories import a_thread
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread():
    return a_thread()


@pytest.fixture
def comment(thread, member):
    return services.comment_create(author=member, thread=thread, body="Premier avis")


def test_editing_keeps_the_previous_text_as_a_revision(comment, member):
    services.comment_edit(editor=member, comment=comment, body="Avis *révisé*", stance="question")
    comment.refresh_from_db()
    assert comment.body == "Avis *révisé*"
    assert "<em>révisé</em>" in comment.body_html
    assert comment.stance == "question"
    assert comment.edited_at is not None
    revision = CommentRevision.objects.get(comment=comment)
    assert (revision.body, revision.stance, revision.edited_by) == ("Premier avis", "none", member)


def test_only_the_author_edits_and_nothing_changes_otherwise(comment):
    with pytest.raises(NotAllowed) as error:
        services.comment_edit(editor=UserFactory(), comment=comment, body="Pirate")
    assert error.value.code == "not_comment_author"
    comment.refresh_from_db()
    assert comment.body == "Premier avis"
    assert not CommentRevision.objects.exists()


def test_deleting_leaves_a_tombstone_and_replies_stay(comment, member, delegate):
    reply = services.comment_create(
        author=delegate, thread=comment.thread, parent=comment, body="Réponse"
    )
    services.comment_delete(author=member, comment=comment)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.DELETED
    assert reply.parent_id == comment.pk
    with pytest.raises(Conflict):
        services.comment_delete(author=member, comment=comment)
    with pytest.raises(InvalidInput) as error:
        services.comment_create(author=delegate, thread=comment.thread, parent=comment, body="Hé")
    assert error.value.code == "parent_not_visible"


def test_one_reaction_per_person_and_it_can_change(comment, delegate):
    services.reaction_set(person=delegate, comment=comment, kind="agree")
    services.reaction_set(person=delegate, comment=comment, kind="disagree")
    assert list(Reaction.objects.values_list("kind", flat=True)) == ["disagree"]
    assert Reaction.objects.get().organisation == delegate.organisation
    assert services.reaction_clear(person=delegate, comment=comment) is True
    assert not Reaction.objects.exists()
    assert services.reaction_clear(person=delegate, comment=comment) is False


@pytest.mark.parametrize(
    ("who", "kind", "code"),
    [("author", "agree", "own_comment"), ("other", "love", "invalid_reaction")],
)
def test_bad_reactions_are_refused(comment, member, delegate, who, kind, code):
    person = member if who == "author" else delegate
    with pytest.raises(InvalidInput) as error:
        services.reaction_set(person=person, comment=comment, kind=kind)
    assert error.value.code == code
    assert not Reaction.objects.exists()


def test_no_reaction_to_a_hidden_comment(comment, delegate, secretariat):
    services.comment_hide(moderator=secretariat, comment=comment, reason="Hors sujet")
    with pytest.raises(InvalidInput) as error:
        services.reaction_set(person=delegate, comment=comment, kind="agree")
    assert error.value.code == "comment_not_visible"


def test_reactions_changed_hook_runs_after_commit(
    comment, delegate, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(
        "deliberation.synthesis.hooks.reactions_changed",
        lambda *, thread_id: calls.append(thread_id),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.reaction_set(person=delegate, comment=comment, kind="agree")
    assert calls == []
    for callback in callbacks:
        callback()
    assert calls == [comment.thread_id]


def test_events_leave_after_commit_with_absolute_counts(
    comment, delegate, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        "alliance.events.group_send_now", lambda group, message: sent.append((group, message))
    )
    monkeypatch.setattr("deliberation.synthesis.hooks.reactions_changed", lambda **kw: None)
    other = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.reaction_set(person=delegate, comment=comment, kind="agree")
    with django_capture_on_commit_callbacks(execute=True):
        services.reaction_set(person=other, comment=comment, kind="agree")
    group, message = sent[-1]
    assert group == f"thread-{comment.thread_id}"
    assert message["type"] == "reactions"
    assert message["counts"] == {"agree": 2, "disagree": 0, "pass": 0}


def test_comment_event_carries_viewer_neutral_html_in_each_language(
    thread, member, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr("alliance.events.group_send_now", lambda g, m: sent.append(m))
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_create(author=member, thread=thread, body="**Oui**")
    (message,) = sent
    assert message["type"] == "comment.created"
    assert message["comment"] == comment.pk
    assert set(message["html"]) == {"fr", "en"}
    assert "<strong>Oui</strong>" in message["html"]["fr"]
    assert "Masquer" in message["html"]["fr"] and "Hide" in message["html"]["en"]
    assert 'data-requires="author" hidden' in message["html"]["fr"]


def test_a_reply_notifies_the_parent_author_and_followers_once(thread, member, delegate):
    follower = UserFactory()
    services.follow(person=follower, target=thread.target)
    first = services.comment_create(author=member, thread=thread, body="Question ?")
    services.comment_create(author=delegate, thread=thread, parent=first, body="Réponse")
    assert Notification.objects.filter(recipient=member, kind="reply").count() == 1
    assert not Notification.objects.filter(recipient=member, kind="comment").exists()
    assert Notification.objects.filter(recipient=follower).count() == 2
    assert not Notification.objects.filter(recipient=delegate).exists()


def test_commenting_follows_the_target(thread, member):
    services.comment_create(author=member, thread=thread, body="Je suis")
    assert Follow.objects.filter(person=member, object_id=thread.object_id).count() == 1
    services.unfollow(person=member, target=thread.target)
    assert not Follow.objects.exists()


def test_report_then_hide_closes_reports_and_traces_the_act(comment, delegate, secretariat):
    report = services.comment_report(reporter=delegate, comment=comment, reason="Insultant")
    assert Notification.objects.filter(recipient=secretariat, kind="report").exists()
    with pytest.raises(Conflict) as error:
        services.comment_report(reporter=delegate, comment=comment, reason="Encore")
    assert error.value.code == "already_reported"
    services.comment_hide(moderator=secretariat, comment=comment, reason="Propos injurieux")
    comment.refresh_from_db()
    report.refresh_from_db()
    assert (comment.status, comment.moderation_reason) == ("hidden", "Propos injurieux")
    assert report.resolved_by == secretariat
    services.comment_unhide(moderator=secretariat, comment=comment, reason="Erreur")
    kinds = list(ModerationAction.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["hide", "unhide"]
    comment.refresh_from_db()
    assert comment.status == "visible" and comment.moderation_reason == ""


def test_only_the_secretariat_moderates(comment, delegate):
    with pytest.raises(NotAllowed) as error:
        services.comment_hide(moderator=delegate, comment=comment, reason="Non")
    assert error.value.code == "not_moderator"
    comment.refresh_from_db()
    assert comment.status == "visible"
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize(
    ("reason", "code"), [("  ", "reason_empty"), ("x" * 2001, "reason_too_long")]
)
def test_reports_need_a_reason(comment, delegate, reason, code):
    with pytest.raises(InvalidInput) as error:
        services.comment_report(reporter=delegate, comment=comment, reason=reason)
    assert error.value.code == code
    assert not Report.objects.exists()


def test_dismissing_reports_keeps_the_comment(comment, delegate, secretariat):
    services.comment_report(reporter=delegate, comment=comment, reason="Bof")
    assert services.reports_dismiss(moderator=secretariat, comment=comment, reason="RAS") == 1
    comment.refresh_from_db()
    assert comment.status == "visible"
    with pytest.raises(Conflict):
        services.reports_dismiss(moderator=secretariat, comment=comment, reason="RAS")


def test_mark_read_and_preferences(member):
    from deliberation.notifications import notify

    notify(recipients=[member], kind="x", title="Un", url="/")
    notify(recipients=[member], kind="x", title="Deux", url="/")
    first = Notification.objects.filter(recipient=member).last()
    assert services.notifications_mark_read(person=member, ids=[first.pk]) == 1
    assert services.notifications_mark_read(person=member) == 1
    with pytest.raises(InvalidInput) as error:
        services.notification_preference_set(person=member, email_frequency="hourly")
    assert error.value.code == "invalid_frequency"
    services.notification_preference_set(person=member, email_frequency="off")
    assert member.notification_preference.email_frequency == "off"


def test_a_hidden_comment_event_carries_the_reason_not_the_text(
    comment, secretariat, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr("alliance.events.group_send_now", lambda g, m: sent.append(m))
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_hide(moderator=secretariat, comment=comment, reason="Hors charte")
    (message,) = sent
    assert message["type"] == "comment.hidden" and message["status"] == "hidden"
    assert "Hors charte" in message["html"]["fr"]
    assert "Premier avis" not in message["html"]["fr"]
