"""Reads of the synthesis, shaped for its page and its API, in a constant number of queries."""

from __future__ import annotations

import string
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from alliance.models import Organisation
from alliance.rules import can_view_people
from deliberation.models import (
    Comment,
    CommentStatus,
    OpinionGroupsResult,
    Reaction,
    SynthesisPin,
    Thread,
)
from deliberation.synthesis import consensus
from deliberation.synthesis.consensus import OUTSIDE, Counts


def debate_url(thread_id: int) -> str:
    """The debate page of a thread (the debate area's page)."""
    return f"/debats/{thread_id}/"


def evidence_url(thread_id: int, comment_id: int) -> str:
    """Where a point is read in its debate (the debate page's anchor for a comment)."""
    return f"{debate_url(thread_id)}#comment-{comment_id}"


def group_label(index: int) -> str:
    letters = string.ascii_uppercase
    return letters[index] if index < len(letters) else str(index + 1)


@dataclass
class GroupColumn:
    key: int | str  # a network id, or `OUTSIDE`
    label: str
    name: str


@dataclass
class PointRow:
    comment: Comment
    url: str
    overall: Counts
    by_group: list[tuple[GroupColumn, Counts]]
    by_organisation: list[tuple[Organisation, Counts]]
    consensus: float
    spread: float
    is_convergence: bool
    is_divergence: bool
    pin: SynthesisPin | None = None


@dataclass
class OpinionGroupView:
    index: int
    label: str
    size: int
    representative: list[tuple[PointRow | None, dict]]  # the point and its repness figures
    contains_viewer: bool = False


@dataclass
class OpinionGroupsView:
    result: OpinionGroupsResult
    groups: list[OpinionGroupView]


@dataclass
class ThreadSynthesis:
    thread: Thread
    groups: list[GroupColumn]
    points: list[PointRow]
    convergences: list[PointRow]
    divergences: list[PointRow]
    pins: list[SynthesisPin] = field(default_factory=list)
    opinion_groups: OpinionGroupsView | None = None
    show_people: bool = True  # the public sees no names (alliance.rules.can_view_people)


def _group_columns(organisations) -> tuple[list[GroupColumn], dict[int, list[int | str]]]:
    networks, networks_of, outside = {}, {}, False
    for organisation in organisations:
        keys = []
        for network in organisation.networks.all():
            networks[network.pk] = network
            keys.append(network.pk)
        networks_of[organisation.pk] = keys
        outside = outside or not keys
    columns = [
        GroupColumn(n.pk, n.label, n.name)
        for n in sorted(networks.values(), key=lambda n: n.label.lower())
    ]
    if outside:
        columns.append(GroupColumn(OUTSIDE, str(_("Hors réseau")), str(_("CAE hors réseau"))))
    return columns, networks_of


def opinion_groups_view(
    result: OpinionGroupsResult | None, rows_by_id: dict[int, PointRow | None], viewer=None
) -> OpinionGroupsView | None:
    """Representative points are kept while they are visible points (keys of `rows_by_id`)."""
    if result is None:
        return None
    viewer_id = getattr(viewer, "pk", None)
    groups = []
    for index, group in enumerate(result.groups):
        groups.append(
            OpinionGroupView(
                index=index,
                label=group_label(index),
                size=len(group["members"]),
                representative=[
                    (rows_by_id[r["point"]], r)
                    for r in group["representative"]
                    if r["point"] in rows_by_id
                ],
                contains_viewer=viewer_id is not None and viewer_id in group["members"],
            )
        )
    return OpinionGroupsView(result=result, groups=groups)


def thread_synthesis(*, thread: Thread, viewer=None) -> ThreadSynthesis:
    """Points of a thread with their counts, rankings, pins and opinion groups (6 queries)."""
    comments = list(
        Comment.objects.filter(thread=thread, is_point=True, status=CommentStatus.VISIBLE)
        .select_related("organisation", "author")
        .order_by("created_at", "pk")
    )
    rows = list(
        Reaction.objects.filter(
            comment__thread=thread, comment__is_point=True, comment__status=CommentStatus.VISIBLE
        )
        .values_list("comment_id", "kind", "organisation_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    organisation_ids = {row[2] for row in rows if row[2] is not None}
    organisations = {
        o.pk: o
        for o in Organisation.objects.filter(pk__in=organisation_ids).prefetch_related("networks")
    }
    columns, networks_of = _group_columns(organisations.values())
    tallies = consensus.tally(rows, networks_of)
    keys = [column.key for column in columns]

    points = []
    for comment in comments:
        tally = tallies.get(comment.pk) or consensus.PointTally()
        points.append(
            PointRow(
                comment=comment,
                url=evidence_url(thread.pk, comment.pk),
                overall=tally.overall,
                by_group=[(c, tally.by_group.get(c.key) or Counts()) for c in columns],
                by_organisation=sorted(
                    ((organisations[o], counts) for o, counts in tally.by_organisation.items()),
                    key=lambda pair: pair[0].name.lower(),
                ),
                consensus=consensus.consensus(tally.by_group, keys),
                spread=consensus.spread(tally.by_group),
                is_convergence=consensus.is_convergence(tally.by_group),
                is_divergence=consensus.is_divergence(tally.by_group),
            )
        )
    rows_by_id = {row.comment.pk: row for row in points}
    pins = []
    for pin in SynthesisPin.objects.filter(thread=thread).select_related("pinned_by"):
        if pin.comment_id in rows_by_id:  # a hidden point keeps its pin, out of sight
            pin.row = rows_by_id[pin.comment_id]
            rows_by_id[pin.comment_id].pin = pin
            pins.append(pin)
    result = OpinionGroupsResult.objects.filter(thread=thread).first()
    return ThreadSynthesis(
        thread=thread,
        groups=columns,
        points=points,
        convergences=sorted(
            (p for p in points if p.is_convergence), key=lambda p: (-p.consensus, p.comment.pk)
        ),
        divergences=sorted(
            (p for p in points if p.is_divergence), key=lambda p: (-p.spread, p.comment.pk)
        ),
        pins=pins,
        opinion_groups=opinion_groups_view(result, rows_by_id, viewer),
        show_people=can_view_people(viewer),
    )


def thread_opinion_groups(*, thread: Thread, viewer=None) -> OpinionGroupsView | None:
    """The stored opinion groups alone (2 queries)."""
    result = OpinionGroupsResult.objects.filter(thread=thread).first()
    if result is None:
        return None
    point_ids = Comment.objects.filter(
        thread=thread, is_point=True, status=CommentStatus.VISIBLE
    ).values_list("pk", flat=True)
    return opinion_groups_view(result, dict.fromkeys(point_ids), viewer)


def opinion_groups_message(result: OpinionGroupsResult) -> dict:
    """The live event pushed to `thread-<id>` when the opinion groups were recomputed."""
    return {
        "type": "opinion_groups",
        "thread": result.thread_id,
        "computed_at": result.computed_at.isoformat(),
        "people": result.people_count,
        "points": result.points_count,
        "groups": [
            {
                "label": group_label(index),
                "size": len(group["members"]),
                "representative": [r["point"] for r in group["representative"]],
            }
            for index, group in enumerate(result.groups)
        ],
    }


def pin_data(pin: SynthesisPin, *, show_people: bool = True) -> dict:
    return {
        "id": pin.pk,
        "comment": pin.comment_id,
        "kind": pin.kind,
        "summary": pin.summary,
        "summary_html": pin.summary_html,
        "order": pin.order,
        "pinned_by": pin.pinned_by.display_name if show_people else None,
        "updated_at": pin.updated_at,
    }


def opinion_groups_data(view: OpinionGroupsView | None) -> dict | None:
    if view is None:
        return None
    result = view.result
    return {
        "computed_at": result.computed_at,
        "people_count": result.people_count,
        "points_count": result.points_count,
        "reactions_count": result.reactions_count,
        "silhouette": result.silhouette,
        "groups": [
            {
                "label": group.label,
                "size": group.size,
                "contains_viewer": group.contains_viewer,
                "representative": [
                    {
                        key: figures[key]
                        for key in ("point", "direction", "group_rate", "rest_rate", "ratio")
                    }
                    for _row, figures in group.representative
                ],
            }
            for group in view.groups
        ],
        "projection": [
            {"x": x, "y": y, "group": None if g is None else group_label(g)}
            for _person, x, y, g in result.coordinates
        ],
    }


def synthesis_data(synthesis: ThreadSynthesis) -> dict:
    """The synthesis as plain data for the API."""

    def point(row: PointRow) -> dict:
        return {
            "id": row.comment.pk,
            "body": row.comment.body,
            "body_html": row.comment.body_html,
            "stance": row.comment.stance,
            "organisation": row.comment.organisation_id,
            "url": row.url,
            "overall": row.overall.as_dict(),
            "by_group": [
                {"group": str(column.key), **counts.as_dict()} for column, counts in row.by_group
            ],
            "by_organisation": [
                {"organisation": o.pk, "name": o.name, **counts.as_dict()}
                for o, counts in row.by_organisation
            ],
            "consensus": row.consensus,
            "spread": row.spread,
            "is_convergence": row.is_convergence,
            "is_divergence": row.is_divergence,
        }

    return {
        "thread": synthesis.thread.pk,
        "title": synthesis.thread.title,
        "groups": [{"key": str(c.key), "label": c.label, "name": c.name} for c in synthesis.groups],
        "points": [point(row) for row in synthesis.points],
        "convergences": [row.comment.pk for row in synthesis.convergences],
        "divergences": [row.comment.pk for row in synthesis.divergences],
        "pins": [pin_data(pin, show_people=synthesis.show_people) for pin in synthesis.pins],
        "opinion_groups": opinion_groups_data(synthesis.opinion_groups),
    }
