"""`{% load debate_tags %}{% debate_panel target %}`: the debate of any object, embeddable in
its page (proposals, amendments, documents)."""

from django import template

from deliberation import rules, selectors
from deliberation.models import ReactionKind, Stance
from deliberation.services import thread_for

register = template.Library()


def panel_context(request, thread, *, next_url: str = "") -> dict:
    """What `debates/_panel.html` needs, for the thread page and the embedded panel alike."""
    user = request.user
    readable = rules.can_read_thread(user, thread)
    comments = selectors.thread_page(thread, user) if readable else []
    return {
        "thread": thread,
        "comments": comments,
        "visible_count": sum(1 for c in comments if c.is_visible),
        "last_comment_id": max((c.pk for c in comments), default=0),
        "following": readable and selectors.is_following(user, thread.target),
        "can_take_part": rules.can_take_part(user),
        "can_moderate": rules.can_moderate(user),
        "next_url": next_url,
        "user": user,
        "request": request,
    }


@register.inclusion_tag("debates/_panel.html", takes_context=True)
def debate_panel(context, target):
    """Render the thread of `target` (created on first use) with its comments and forms."""
    request = context["request"]
    panel = panel_context(request, thread_for(target), next_url=request.get_full_path())
    panel["csrf_token"] = context.get("csrf_token")
    return panel


@register.simple_tag
def stance_choices():
    return Stance.choices


@register.simple_tag
def reaction_choices():
    return ReactionKind.choices


@register.filter
def reaction_count(comment, kind):
    return getattr(comment, f"{kind}_count", 0)
