"""`{% load debate_tags %}{% debate_panel target %}`: the debate of any object, embeddable in
its page (proposals, amendments, documents)."""

from django import template
from django.utils import timezone

from deliberation import rules, selectors
from deliberation.models import ReactionKind, Stance
from deliberation.services import thread_for

register = template.Library()


PAGE_PARAMETER = "debat-page"
FOCUS_PARAMETER = "commentaire"


def panel_context(request, thread, *, next_url: str = "") -> dict:
    """What `debates/_panel.html` needs, for the thread page and the embedded panel alike.
    `?debat-page=N` picks a page, `?commentaire=ID` the page holding that comment."""
    user = request.user
    rendered_at = timezone.now()  # before reading: a change racing the page is replayed
    readable = rules.can_read_thread(user, thread)
    focus = request.GET.get(FOCUS_PARAMETER, "")
    page = (
        selectors.thread_page(
            thread,
            user,
            page=request.GET.get(PAGE_PARAMETER),
            focus=int(focus) if focus.isdigit() else None,
        )
        if readable
        else None
    )
    return {
        "thread": thread,
        "rendered_at": rendered_at.isoformat(),
        "page": page,
        "comments": page.comments if page else [],
        "visible_count": page.visible_count if page else 0,
        "last_comment_id": page.last_comment_id if page else 0,
        "page_parameter": PAGE_PARAMETER,
        "following": readable and selectors.is_following(user, thread.target),
        "can_take_part": rules.can_take_part(user),
        "can_moderate": rules.can_moderate(user),
        "next_url": next_url,
        "reaction_kinds": ReactionKind.choices,
        "user": user,
        "request": request,
    }


@register.inclusion_tag("debates/_panel.html", takes_context=True)
def debate_panel(context, target):
    """Render the thread of `target` (created on first use) with its comments and forms; it
    brings its own stylesheet (base.html loads debates.js for signed-in people), so one line
    embeds a live debate in any page."""
    request = context["request"]
    thread = thread_for(target)
    thread.target = target  # already loaded: spare the query
    panel = panel_context(request, thread, next_url=request.get_full_path())
    panel["csrf_token"] = context.get("csrf_token")
    panel["embedded"] = True
    return panel


@register.simple_tag
def stance_choices():
    return Stance.choices


@register.filter
def reaction_count(comment, kind):
    return getattr(comment, f"{kind}_count", 0)
