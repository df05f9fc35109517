"""The projector page of an assembly: its current poll in large type for the room, a bar chart
and the quorum, kept live by assemblies-live.js and projector.js."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext

from assemblies import minutes, selectors, tallying
from assemblies.models import Assembly, Poll


def projector_payload(poll: Poll | None, result: dict | None) -> dict:
    """What projector.js starts from (the same shapes as the live messages); `result` is the
    poll's published result, if any."""
    labels = {
        "motion": {key: str(label) for key, label in tallying.MOTION_LABELS.items()},
        "blank": gettext("blanc"),
        "adopted": gettext("adoptée"),
        "rejected": gettext("rejetée"),
        "leading": gettext("en tête : %(name)s"),
        "tie": gettext("égalité entre %(names)s"),
        "nothing": gettext("aucun choix exprimé"),
    }
    if poll is None:
        return {"poll": None, "entitled": None, "outcome": None, "labels": labels}
    return {
        "poll": {**selectors.poll_brief(poll), "tally": selectors.poll_tally(poll)},
        "entitled": poll.entitlements.count(),
        "outcome": result["outcome"] if result else None,
        "labels": labels,
    }


@login_required
def projector(request, slug):
    assembly = get_object_or_404(Assembly, slug=slug)
    poll = selectors.current_poll(assembly)
    if poll is not None:
        prefetch_related_objects([poll], "options")
    published = poll is not None and poll.status == Poll.Status.PUBLISHED
    result = selectors.poll_result(poll) if published else None
    payload = projector_payload(poll, result)
    return render(
        request,
        "assemblies/projector.html",
        {
            "assembly": assembly,
            "poll": poll,
            "tally": payload["poll"]["tally"] if poll else None,
            "entitled": payload["entitled"],
            "outcome_text": minutes.outcome_text(poll, result) if result else "",
            "presence": selectors.presence(assembly).as_payload(),
            "projector": payload,
        },
    )
