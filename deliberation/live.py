"""Live events of a thread: built once per event, identical for every viewer.

The comment's HTML is rendered here, once per language, without a viewer: the controls a
viewer may use are rendered hidden and revealed by `debates.js` from `data-requires`.
"""

from django.conf import settings
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import translation

from alliance.events import send_event_on_commit
from deliberation.models import Comment, Reaction, ReactionKind


def thread_group(thread_id: int) -> str:
    return f"thread-{thread_id}"


def render_comment(comment: Comment) -> dict[str, str]:
    """The viewer-neutral HTML of a comment, keyed by language code."""
    html = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            html[code] = render_to_string(
                "debates/_comment.html",
                {"comment": comment, "neutral": True, "reaction_kinds": ReactionKind.choices},
            )
    return html


def comment_message(event_type: str, comment: Comment) -> dict:
    """`comment` loaded with `for_display()` and decorated for no viewer."""
    return {
        "type": event_type,
        "thread": comment.thread_id,
        "comment": comment.pk,
        "parent": comment.parent_id,
        "depth": comment.depth,
        "status": comment.status,
        "at": comment.changed_at.isoformat(),
        "html": render_comment(comment),
    }


def send_comment_event(event_type: str, comment: Comment) -> None:
    from deliberation.selectors import comment_for_display

    shown = comment_for_display(comment.pk)
    send_event_on_commit(thread_group(comment.thread_id), comment_message(event_type, shown))


def reaction_counts(comment_id: int) -> dict[str, int]:
    counts = dict.fromkeys(ReactionKind.values, 0)
    rows = (
        Reaction.objects.filter(comment_id=comment_id)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["kind"]] = row["n"]
    return counts


def send_reactions_event(comment: Comment) -> None:
    """Absolute counts, never a delta: a client that missed one is right at the next."""
    send_event_on_commit(
        thread_group(comment.thread_id),
        {
            "type": "reactions",
            "thread": comment.thread_id,
            "comment": comment.pk,
            "counts": reaction_counts(comment.pk),
        },
    )
