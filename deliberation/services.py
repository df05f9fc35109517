"""Every write of the debate: threads, comments, reactions, moderation, follows.

Comments are written by a person for their CAE; events and e-mails leave after commit.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance import rules as alliance_rules
from alliance.errors import Conflict, InvalidInput, NotAllowed, NotFound
from deliberation import rules
from deliberation.live import send_comment_event, send_reactions_event, thread_group
from deliberation.models import (
    Comment,
    CommentRevision,
    CommentStatus,
    Follow,
    ModerationAction,
    ModerationActionKind,
    Notification,
    NotificationFrequency,
    NotificationPreference,
    Reaction,
    ReactionKind,
    Report,
    Stance,
    Thread,
)
from deliberation.notifications import followers_of, notify
from deliberation.text import render_comment

__all__ = [
    "comment_create",
    "comment_delete",
    "comment_edit",
    "comment_hide",
    "comment_report",
    "comment_unhide",
    "follow",
    "notification_preference_set",
    "notifications_mark_read",
    "reaction_clear",
    "reaction_set",
    "reports_dismiss",
    "thread_for",
    "thread_group",
    "unfollow",
]

COMMENT_MAX_LENGTH = 10_000
REASON_MAX_LENGTH = 2_000


def thread_for(target, *, title: str = "") -> Thread:
    """The thread of any object, created on first use (one per object, by constraint)."""
    content_type = ContentType.objects.get_for_model(target)
    thread = Thread.objects.filter(content_type=content_type, object_id=target.pk).first()
    if thread is not None:  # the usual case, in one query (pages embed the debate)
        return thread
    try:
        with transaction.atomic():
            thread, _created = Thread.objects.get_or_create(
                content_type=content_type,
                object_id=target.pk,
                defaults={"title": title or str(target)[:300]},
            )
    except IntegrityError:  # created concurrently: the constraint decided, read the winner
        thread = Thread.objects.get(content_type=content_type, object_id=target.pk)
    return thread


def thread_url(thread_id: int, comment_id: int | None = None) -> str:
    """The thread page; with a comment, the page that holds it, scrolled to it."""
    url = reverse("frontend:thread", kwargs={"thread_id": thread_id})
    return f"{url}?commentaire={comment_id}#comment-{comment_id}" if comment_id else url


# --- Validation -------------------------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Le commentaire est vide."), code="comment_empty")
    if len(body) > COMMENT_MAX_LENGTH:
        raise InvalidInput(
            _("Le commentaire dépasse %(max)s caractères.") % {"max": COMMENT_MAX_LENGTH},
            code="comment_too_long",
        )
    return body


def _clean_stance(stance: str) -> str:
    if stance not in Stance.values:
        raise InvalidInput(_("Position inconnue."), code="invalid_stance")
    return stance


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Indiquez un motif."), code="reason_empty")
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(
            _("Le motif dépasse %(max)s caractères.") % {"max": REASON_MAX_LENGTH},
            code="reason_too_long",
        )
    return reason


def _require_participant(person) -> None:
    if not alliance_rules.is_authenticated(person):
        raise NotAllowed(code="not_authenticated")
    if not rules.can_take_part(person):
        raise NotAllowed(_("Seuls les membres d'une CAE peuvent commenter."), code="not_member")


def _require_visible(person, thread: Thread) -> None:
    """A thread whose object the person may not see answers as if it did not exist."""
    if not rules.can_see_object_of(person, thread):
        raise NotFound(code="not_found")


def _locked(comment: Comment) -> Comment:
    """Re-read the comment under a row lock: edits, deletion, moderation and reactions on one
    comment are serialised by it, so counts and states sent after commit are consistent."""
    try:
        return Comment.objects.select_for_update(of=("self",)).get(pk=comment.pk)
    except Comment.DoesNotExist:
        raise NotFound(_("Ce commentaire n'existe pas."), code="comment_not_found") from None


# --- Comments -------------------------------------------------------------------------------


@transaction.atomic
def comment_create(
    *,
    author,
    body: str,
    thread: Thread | None = None,
    target=None,
    stance: str = Stance.NONE,
    parent: Comment | None = None,
) -> Comment:
    """Write a comment (or a reply to `parent`) in `thread`, or in the thread of `target`.

    The parent's author is notified of the reply, the followers of the thread's target of the
    new comment; the author follows the target from now on."""
    _require_participant(author)
    body, stance = _clean_body(body), _clean_stance(stance)
    if thread is None:
        if target is None:
            raise InvalidInput(_("Aucun fil de discussion indiqué."), code="thread_missing")
        thread = thread_for(target)
    _require_visible(author, thread)
    if not thread.is_open:
        raise NotAllowed(_("Ce débat est fermé aux commentaires."), code="thread_closed")
    depth = 0
    if parent is not None:
        if parent.thread_id != thread.pk:
            raise NotFound(_("Ce commentaire n'est pas dans ce fil."), code="parent_not_found")
        if parent.status != CommentStatus.VISIBLE:
            raise InvalidInput(
                _("On ne peut pas répondre à un commentaire masqué ou supprimé."),
                code="parent_not_visible",
            )
        depth = parent.depth + 1
    comment = Comment.objects.create(
        thread=thread,
        parent=parent,
        depth=depth,
        author=author,
        organisation=author.organisation,
        body=body,
        body_html=render_comment(body),
        stance=stance,
    )
    target = thread.target
    if target is not None:
        _notify_new_comment(comment, thread, target)
        follow(person=author, target=target)
    send_comment_event("comment.created", comment)
    return comment


def _notify_new_comment(comment: Comment, thread: Thread, target) -> None:
    url = thread_url(thread.pk, comment.pk)
    excerpt = comment.body[:300]
    author_name = comment.author.display_name
    replied_to = None
    if comment.parent_id is not None and comment.parent.author_id != comment.author_id:
        replied_to = comment.parent.author
        notify(
            recipients=[replied_to],
            kind="reply",
            title=_("%(author)s a répondu à votre commentaire sur « %(thread)s »")
            % {"author": author_name, "thread": thread.title},
            url=url,
            body=excerpt,
            about=target,
        )
    followers = followers_of(target).exclude(pk=comment.author_id)
    if replied_to is not None:
        followers = followers.exclude(pk=replied_to.pk)
    notify(
        recipients=followers,
        kind="comment",
        title=_("Nouveau commentaire de %(author)s sur « %(thread)s »")
        % {"author": author_name, "thread": thread.title},
        url=url,
        body=excerpt,
        about=target,
    )


@transaction.atomic
def comment_edit(*, editor, comment: Comment, body: str, stance: str | None = None) -> Comment:
    """The author rewrites their comment; the previous text is kept as a revision."""
    comment = _locked(comment)
    if comment.author_id != getattr(editor, "pk", None):
        raise NotAllowed(
            _("Seul·e l'auteur·e peut modifier ce commentaire."), code="not_comment_author"
        )
    if not comment.is_visible:
        raise InvalidInput(
            _("Un commentaire masqué ou supprimé ne peut plus être modifié."),
            code="comment_not_visible",
        )
    body = _clean_body(body)
    stance = comment.stance if stance is None else _clean_stance(stance)
    if body == comment.body and stance == comment.stance:
        return comment
    CommentRevision.objects.create(
        comment=comment, body=comment.body, stance=comment.stance, edited_by=editor
    )
    comment.body, comment.body_html, comment.stance = body, render_comment(body), stance
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "stance", "edited_at", "changed_at"])
    send_comment_event("comment.edited", comment)
    return comment


@transaction.atomic
def comment_delete(*, author, comment: Comment) -> Comment:
    """The author withdraws their comment: a tombstone stays so that replies keep their place;
    its text never reaches a page or the API again."""
    comment = _locked(comment)
    if not rules.can_delete_comment(author, comment):
        raise NotAllowed(
            _("Seul·e l'auteur·e peut supprimer ce commentaire."), code="not_comment_author"
        )
    if comment.status == CommentStatus.DELETED:
        raise Conflict(_("Ce commentaire est déjà supprimé."), code="comment_already_deleted")
    comment.status = CommentStatus.DELETED
    comment.save(update_fields=["status", "changed_at"])
    send_comment_event("comment.deleted", comment)
    return comment


# --- Reactions ------------------------------------------------------------------------------


def _reactions_changed(comment: Comment) -> None:
    from deliberation.synthesis import hooks

    send_reactions_event(comment)
    thread_id = comment.thread_id
    transaction.on_commit(lambda: hooks.reactions_changed(thread_id=thread_id))


@transaction.atomic
def reaction_set(*, person, comment: Comment, kind: str) -> Reaction:
    """Agree, disagree or pass on a comment: one reaction per person, changeable."""
    _require_participant(person)
    if kind not in ReactionKind.values:
        raise InvalidInput(_("Réaction inconnue."), code="invalid_reaction")
    comment = _locked(comment)
    _require_visible(person, comment.thread)
    if not comment.is_visible:
        raise InvalidInput(
            _("On ne peut pas réagir à un commentaire masqué ou supprimé."),
            code="comment_not_visible",
        )
    if comment.author_id == person.pk:
        raise InvalidInput(_("On ne réagit pas à son propre commentaire."), code="own_comment")
    reaction, created = Reaction.objects.get_or_create(
        comment=comment,
        person=person,
        defaults={"kind": kind, "organisation": person.organisation},
    )
    if not created and reaction.kind == kind:
        return reaction
    if not created:
        reaction.kind = kind
        reaction.save(update_fields=["kind", "updated_at"])
    _reactions_changed(comment)
    return reaction


@transaction.atomic
def reaction_clear(*, person, comment: Comment) -> bool:
    """Withdraw one's reaction; True if there was one."""
    comment = _locked(comment)
    deleted, _rows = Reaction.objects.filter(comment=comment, person=person).delete()
    if deleted:
        _reactions_changed(comment)
    return bool(deleted)


# --- Moderation -----------------------------------------------------------------------------


@transaction.atomic
def comment_report(*, reporter, comment: Comment, reason: str) -> Report:
    """Anyone signed in flags a comment for the moderators, once while it is open."""
    if not alliance_rules.is_authenticated(reporter):
        raise NotAllowed(code="not_authenticated")
    reason = _clean_reason(reason)
    comment = _locked(comment)
    _require_visible(reporter, comment.thread)
    if not comment.is_visible:
        raise InvalidInput(_("Ce commentaire n'est plus affiché."), code="comment_not_visible")
    if comment.author_id == reporter.pk:
        raise InvalidInput(_("On ne signale pas son propre commentaire."), code="own_comment")
    if Report.objects.filter(comment=comment, reporter=reporter, resolved_at=None).exists():
        raise Conflict(_("Vous avez déjà signalé ce commentaire."), code="already_reported")
    report = Report.objects.create(comment=comment, reporter=reporter, reason=reason)
    moderators = _moderators()
    notify(
        recipients=moderators,
        kind="report",
        title=_("Commentaire signalé dans « %(thread)s »") % {"thread": comment.thread.title},
        url=thread_url(comment.thread_id, comment.pk),
        body=reason,
        exclude=reporter,
    )
    return report


def _moderators():
    from alliance.models import User

    return User.objects.filter(is_active=True, is_secretariat=True)


def _require_moderator(moderator) -> None:
    if not rules.can_moderate(moderator):
        raise NotAllowed(_("Seul le secrétariat modère les débats."), code="not_moderator")


def _resolve_reports(comment: Comment, moderator) -> int:
    return Report.objects.filter(comment=comment, resolved_at=None).update(
        resolved_at=timezone.now(), resolved_by=moderator
    )


@transaction.atomic
def comment_hide(*, moderator, comment: Comment, reason: str) -> Comment:
    """Hide a comment; its reason is shown in its place; open reports are closed."""
    _require_moderator(moderator)
    reason = _clean_reason(reason)
    comment = _locked(comment)
    if comment.status != CommentStatus.VISIBLE:
        raise Conflict(_("Ce commentaire est déjà masqué ou supprimé."), code="comment_not_visible")
    comment.status, comment.moderation_reason = CommentStatus.HIDDEN, reason
    comment.save(update_fields=["status", "moderation_reason", "changed_at"])
    ModerationAction.objects.create(
        comment=comment, moderator=moderator, kind=ModerationActionKind.HIDE, reason=reason
    )
    _resolve_reports(comment, moderator)
    send_comment_event("comment.hidden", comment)
    return comment


@transaction.atomic
def comment_unhide(*, moderator, comment: Comment, reason: str) -> Comment:
    _require_moderator(moderator)
    reason = _clean_reason(reason)
    comment = _locked(comment)
    if comment.status != CommentStatus.HIDDEN:
        raise Conflict(_("Ce commentaire n'est pas masqué."), code="comment_not_hidden")
    comment.status, comment.moderation_reason = CommentStatus.VISIBLE, ""
    comment.save(update_fields=["status", "moderation_reason", "changed_at"])
    ModerationAction.objects.create(
        comment=comment, moderator=moderator, kind=ModerationActionKind.UNHIDE, reason=reason
    )
    send_comment_event("comment.unhidden", comment)
    return comment


@transaction.atomic
def reports_dismiss(*, moderator, comment: Comment, reason: str) -> int:
    """Close the open reports of a comment that stays visible; traced like any act."""
    _require_moderator(moderator)
    reason = _clean_reason(reason)
    comment = _locked(comment)
    closed = _resolve_reports(comment, moderator)
    if not closed:
        raise Conflict(_("Aucun signalement ouvert sur ce commentaire."), code="no_open_report")
    ModerationAction.objects.create(
        comment=comment, moderator=moderator, kind=ModerationActionKind.DISMISS, reason=reason
    )
    return closed


# --- Follows and notifications ----------------------------------------------------------------


def follow(*, person, target) -> Follow:
    """Follow an object the person may see (one they may not see answers as unknown)."""
    if not alliance_rules.is_authenticated(person):
        raise NotAllowed(code="not_authenticated")
    if not rules.can_follow(person, target):
        raise NotFound(code="not_found")
    content_type = ContentType.objects.get_for_model(target)
    try:
        with transaction.atomic():
            followed, _created = Follow.objects.get_or_create(
                person=person, content_type=content_type, object_id=target.pk
            )
    except IntegrityError:  # followed twice at once: the constraint kept one
        followed = Follow.objects.get(person=person, content_type=content_type, object_id=target.pk)
    return followed


@transaction.atomic
def unfollow(*, person, target) -> bool:
    content_type = ContentType.objects.get_for_model(target)
    deleted, _rows = Follow.objects.filter(
        person=person, content_type=content_type, object_id=target.pk
    ).delete()
    return bool(deleted)


@transaction.atomic
def notifications_mark_read(*, person, ids=None) -> int:
    """Mark the person's notifications read: those in `ids`, or all when `ids` is None."""
    unread = Notification.objects.filter(recipient=person, read_at=None)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notification_preference_set(*, person, email_frequency: str) -> NotificationPreference:
    if email_frequency not in NotificationFrequency.values:
        raise InvalidInput(_("Fréquence inconnue."), code="invalid_frequency")
    preference, _created = NotificationPreference.objects.update_or_create(
        person=person, defaults={"email_frequency": email_frequency}
    )
    return preference
