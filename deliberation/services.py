"""Every write of the debate: threads, comments, reactions.

Comments are written by a person for their CAE; events leave after commit.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from alliance import rules as alliance_rules
from alliance.errors import InvalidInput, NotAllowed, NotFound
from alliance.events import send_event_on_commit
from alliance.markdown import render_markdown
from deliberation.models import Comment, CommentStatus, Stance, Thread

COMMENT_MAX_LENGTH = 10_000


def thread_group(thread_id: int) -> str:
    return f"thread-{thread_id}"


def thread_for(target, *, title: str = "") -> Thread:
    """The thread of any object, created on first use (one per object, by constraint)."""
    content_type = ContentType.objects.get_for_model(target)
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
    """Write a comment (or a reply to `parent`) in `thread`, or in the thread of `target`."""
    if not alliance_rules.is_authenticated(author):
        raise NotAllowed(code="not_authenticated")
    if not (alliance_rules.is_member(author) or alliance_rules.is_facilitator(author)):
        raise NotAllowed(_("Seuls les membres d'une CAE peuvent commenter."), code="not_member")
    body, stance = _clean_body(body), _clean_stance(stance)
    if thread is None:
        if target is None:
            raise InvalidInput(_("Aucun fil de discussion indiqué."), code="thread_missing")
        thread = thread_for(target)
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
        body_html=render_markdown(body),
        stance=stance,
    )
    send_event_on_commit(
        thread_group(thread.pk),
        {"type": "comment.created", "thread": thread.pk, "comment": comment.pk},
    )
    return comment
