"""Every write of the synthesis: points, pins, stored opinion groups."""

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.errors import InvalidInput, NotAllowed
from alliance.events import send_event_on_commit
from alliance.markdown import render_markdown
from deliberation.models import (
    Comment,
    CommentStatus,
    OpinionGroupsResult,
    PinKind,
    Reaction,
    SynthesisPin,
    Thread,
)
from deliberation.services import thread_group
from deliberation.synthesis import hooks, opinion_groups
from deliberation.synthesis import rules as synthesis_rules

SUMMARY_MAX_LENGTH = 5_000


def _synthesis_changed(thread_id: int) -> None:
    send_event_on_commit(
        thread_group(thread_id), {"type": "synthesis.changed", "thread": thread_id}
    )


@transaction.atomic
def point_mark(*, actor, comment: Comment, is_point: bool) -> Comment:
    """Mark (or unmark) a comment as a point of the synthesis. Unmarking also unpins it.

    Locks the comment row so that a concurrent moderation or edit sees the final state."""
    if not synthesis_rules.can_mark_point(actor, comment):
        raise NotAllowed(
            _(
                "Seul l'auteur du commentaire ou une personne qui anime le débat peut en faire un point."
            ),
            code="not_allowed",
        )
    comment = Comment.objects.select_for_update(of=("self",)).get(pk=comment.pk)
    if is_point and comment.status != CommentStatus.VISIBLE:
        raise InvalidInput(
            _("Un commentaire masqué ou supprimé ne peut pas devenir un point."),
            code="comment_not_visible",
        )
    if comment.is_point == is_point:
        return comment
    comment.is_point = is_point
    comment.save(update_fields=["is_point"])
    if not is_point:
        SynthesisPin.objects.filter(comment=comment).delete()
    _synthesis_changed(comment.thread_id)
    thread_id = comment.thread_id
    transaction.on_commit(lambda: hooks.reactions_changed(thread_id=thread_id))
    return comment


def _clean_summary(summary: str) -> str:
    summary = (summary or "").strip()
    if not summary:
        raise InvalidInput(_("Le résumé est vide."), code="summary_empty")
    if len(summary) > SUMMARY_MAX_LENGTH:
        raise InvalidInput(
            _("Le résumé dépasse %(max)s caractères.") % {"max": SUMMARY_MAX_LENGTH},
            code="summary_too_long",
        )
    return summary


@transaction.atomic
def synthesis_pin(
    *, actor, comment: Comment, summary: str, kind: str = PinKind.OTHER
) -> SynthesisPin:
    """Pin a point into its thread's synthesis, or update the summary of a pinned one.

    Locks the thread row: pins of one thread are numbered one after the other."""
    if not synthesis_rules.can_pin(actor):
        raise NotAllowed(
            _("Seul le comité de pilotage peut épingler un point dans la synthèse."),
            code="not_allowed",
        )
    if kind not in PinKind.values:
        raise InvalidInput(_("Type d'épingle inconnu."), code="invalid_kind")
    summary = _clean_summary(summary)
    Thread.objects.select_for_update().filter(pk=comment.thread_id).first()
    comment = Comment.objects.get(pk=comment.pk)
    if comment.status != CommentStatus.VISIBLE:
        raise InvalidInput(
            _("Un commentaire masqué ou supprimé ne peut pas être épinglé."),
            code="comment_not_visible",
        )
    if not comment.is_point:
        raise InvalidInput(_("Seul un point de synthèse peut être épinglé."), code="not_a_point")
    pin = SynthesisPin.objects.filter(thread_id=comment.thread_id, comment=comment).first()
    if pin is None:
        last = SynthesisPin.objects.filter(thread_id=comment.thread_id).aggregate(m=Max("order"))[
            "m"
        ]
        pin = SynthesisPin(
            thread_id=comment.thread_id,
            comment=comment,
            order=0 if last is None else last + 1,
        )
    pin.kind = kind
    pin.summary = summary
    pin.summary_html = render_markdown(summary)
    pin.pinned_by = actor
    pin.save()
    _synthesis_changed(comment.thread_id)
    return pin


@transaction.atomic
def synthesis_unpin(*, actor, pin: SynthesisPin) -> None:
    if not synthesis_rules.can_pin(actor):
        raise NotAllowed(
            _("Seul le comité de pilotage peut retirer un point de la synthèse."),
            code="not_allowed",
        )
    deleted, _detail = SynthesisPin.objects.filter(pk=pin.pk).delete()
    if deleted:
        _synthesis_changed(pin.thread_id)


def _point_reactions(thread: Thread):
    return Reaction.objects.filter(
        comment__thread=thread, comment__is_point=True, comment__status=CommentStatus.VISIBLE
    )


@transaction.atomic
def opinion_groups_compute(*, thread: Thread) -> OpinionGroupsResult:
    """Compute the opinion groups of a thread's points and store them (one row per thread)."""
    reactions = list(_point_reactions(thread).values_list("person_id", "comment_id", "kind"))
    found = opinion_groups.compute(reactions)
    group_of = dict(zip(found.people, found.labels, strict=False))
    result, _created = OpinionGroupsResult.objects.update_or_create(
        thread=thread,
        defaults={
            "computed_at": timezone.now(),
            "people_count": len(found.people),
            "points_count": len(found.points),
            "reactions_count": len(reactions),
            "silhouette": found.silhouette,
            "groups": [
                {
                    "members": group.members,
                    "centroid": list(group.centroid),
                    "representative": [vars(r) for r in group.representative],
                }
                for group in found.groups
            ],
            "coordinates": [
                [person, round(x, 4), round(y, 4), group_of.get(person)]
                for person, (x, y) in zip(found.people, found.coordinates, strict=False)
            ],
        },
    )
    return result


def opinion_groups_stale(thread: Thread) -> bool:
    """Whether reactions or points changed since the stored opinion groups were computed."""
    result = OpinionGroupsResult.objects.filter(thread=thread).first()
    if result is None:
        return True
    current = _point_reactions(thread).aggregate(n=Count("pk"), last=Max("updated_at"))
    return current["n"] != result.reactions_count or (
        current["last"] is not None and current["last"] > result.computed_at
    )
