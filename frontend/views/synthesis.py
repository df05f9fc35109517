"""Synthesis pages: convergences, divergences, heat table, pins and opinion groups."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from alliance.errors import AllianceError
from deliberation.models import Comment, PinKind, SynthesisPin, Thread
from deliberation.selectors import visible_threads
from deliberation.synthesis import rules as synthesis_rules
from deliberation.synthesis import selectors, services
from deliberation.synthesis.consensus import Counts

SHADES = 5  # heat-0 (little agreement) .. heat-4 (broad agreement)
PLOT_WIDTH, PLOT_HEIGHT, PLOT_MARGIN, MARK = 320, 220, 14, 5
SHAPE_NAMES = [
    gettext_lazy("rond"),
    gettext_lazy("carré"),
    gettext_lazy("triangle"),
    gettext_lazy("losange"),
    gettext_lazy("croix"),
]


class PinForm(forms.Form):
    comment = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=PinKind.choices)
    summary = forms.CharField(
        label=gettext_lazy("Résumé éditorial (Markdown)"),
        max_length=services.SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def heat_cell(counts) -> dict:
    """A heat table cell: a number to read and a shade to scan (never the colour alone)."""
    if not counts.seen:
        return {"text": "–", "shade": "none", "detail": _("aucune réaction")}
    detail = _("%(agree)s d'accord, %(disagree)s pas d'accord, %(passed)s passent sur %(seen)s") % {
        "agree": counts.agree,
        "disagree": counts.disagree,
        "passed": counts.passed,
        "seen": counts.seen,
    }
    if counts.small:
        text = _("%(agree)s sur %(seen)s") % {"agree": counts.agree, "seen": counts.seen}
        return {"text": text, "shade": "small", "detail": detail}
    rate = counts.agreement_rate
    return {
        "text": f"{round(rate * 100)} %",
        "shade": str(min(SHADES - 1, int(rate * SHADES))),
        "detail": detail,
    }


def _shape_path(shape: int, x: float, y: float) -> str:
    m = MARK
    if shape == 0:
        return f"M{x - m},{y} a{m},{m} 0 1,0 {2 * m},0 a{m},{m} 0 1,0 {-2 * m},0"
    if shape == 1:
        return f"M{x - m},{y - m} h{2 * m} v{2 * m} h{-2 * m} Z"
    if shape == 2:
        return f"M{x},{y - m} L{x + m},{y + m} L{x - m},{y + m} Z"
    if shape == 3:
        return f"M{x},{y - m} L{x + m},{y} L{x},{y + m} L{x - m},{y} Z"
    return f"M{x - m},{y - m} L{x + m},{y + m} M{x + m},{y - m} L{x - m},{y + m}"


def scatter(result) -> list[dict]:
    """The 2-D projection scaled into the SVG's box, one mark per person, shaped by group."""
    if result is None or not result.coordinates:
        return []
    xs = [c[1] for c in result.coordinates]
    ys = [c[2] for c in result.coordinates]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    inner_w, inner_h = PLOT_WIDTH - 2 * PLOT_MARGIN, PLOT_HEIGHT - 2 * PLOT_MARGIN
    marks = []
    for _person, x, y, group in result.coordinates:
        px = round(PLOT_MARGIN + (x - min(xs)) / span_x * inner_w, 1)
        py = round(PLOT_MARGIN + (max(ys) - y) / span_y * inner_h, 1)
        shape = -1 if group is None else group % len(SHAPE_NAMES)
        marks.append(
            {
                "d": _shape_path(shape, px, py) if shape >= 0 else "",
                "x": px,
                "y": py,
                "group": "none" if group is None else group,
            }
        )
    return marks


def network_groups(synthesis) -> list[dict]:
    """Each network group's total reactions and the points it agrees with most and least."""
    summaries = []
    for index, column in enumerate(synthesis.groups):
        total = Counts()
        seen = []
        for row in synthesis.points:
            counts = row.by_group[index][1]
            total.agree += counts.agree
            total.disagree += counts.disagree
            total.passed += counts.passed
            if counts.seen:
                seen.append((counts.smoothed_agreement, row))
        seen.sort(key=lambda pair: (pair[0], -pair[1].comment.pk))
        summaries.append(
            {
                "column": column,
                "total": total,
                "most_agreed": seen[-1][1] if seen and seen[-1][0] > 0.5 else None,
                "least_agreed": seen[0][1] if seen and seen[0][0] < 0.5 else None,
            }
        )
    return summaries


def _pin_forms(synthesis, error: dict | None) -> bool:
    """What each point's pin form shows: the pin's values, a suggestion, or what was sent.
    Answers whether `error` found its form."""
    shown = False
    for row in synthesis.points:
        if row.pin is not None:
            kind, summary = row.pin.kind, row.pin.summary
        else:
            kind = (
                PinKind.CONVERGENCE
                if row.is_convergence and not row.is_divergence
                else PinKind.DIVERGENCE
                if row.is_divergence
                else PinKind.OTHER
            )
            summary = ""
        row.pin_form = {"id": str(row.comment.pk), "kind": kind, "summary": summary, "error": None}
        if error and error["comment"] == str(row.comment.pk):
            row.pin_form.update(
                kind=error["kind"], summary=error["summary"], error=error["message"]
            )
            shown = True
    return shown


def _page_context(request, thread: Thread, *, pin_form_error: dict | None = None) -> dict:
    synthesis = selectors.thread_synthesis(thread=thread, viewer=request.user)
    can_pin = synthesis_rules.can_pin(request.user)
    shown = can_pin and _pin_forms(synthesis, pin_form_error)
    heat_rows = [
        {
            "row": row,
            "overall": heat_cell(row.overall),
            "cells": [(column, heat_cell(counts)) for column, counts in row.by_group],
        }
        for row in synthesis.points
    ]
    groups = synthesis.opinion_groups.groups if synthesis.opinion_groups else []
    for group in groups:
        group.shape = SHAPE_NAMES[group.index % len(SHAPE_NAMES)]
    return {
        "thread": thread,
        "synthesis": synthesis,
        "others": [p for p in synthesis.points if not (p.is_convergence or p.is_divergence)],
        "heat_rows": heat_rows,
        "network_groups": network_groups(synthesis) if synthesis.points else [],
        "opinion_groups": groups,
        "scatter": scatter(synthesis.opinion_groups.result if synthesis.opinion_groups else None),
        "plot": {"width": PLOT_WIDTH, "height": PLOT_HEIGHT},
        "can_pin": can_pin,
        "markable": {
            row.comment.pk
            for row in synthesis.points
            if synthesis_rules.can_mark_point(request.user, row.comment)
        },
        "pin_kinds": PinKind.choices,
        "summary_max": services.SUMMARY_MAX_LENGTH,
        "debate_url": selectors.debate_url(thread.pk),
        "page_error": pin_form_error["message"] if pin_form_error and not shown else None,
    }


def synthesis(request, thread_id: int):
    thread = get_object_or_404(visible_threads(request.user), pk=thread_id)
    return render(request, "synthesis/synthesis.html", _page_context(request, thread))


@login_required
@require_POST
def synthesis_pin(request, thread_id: int):
    thread = get_object_or_404(visible_threads(request.user), pk=thread_id)
    form = PinForm(request.POST)
    error, status = None, 400
    if form.is_valid():
        comment = Comment.objects.filter(pk=form.cleaned_data["comment"], thread=thread).first()
        if comment is None:
            error, status = _("Ce point n'est pas dans ce débat."), 404
        else:
            try:
                services.synthesis_pin(
                    actor=request.user,
                    comment=comment,
                    summary=form.cleaned_data["summary"],
                    kind=form.cleaned_data["kind"],
                )
            except AllianceError as exc:
                error, status = exc.message, exc.status
            else:
                messages.success(request, _("Le point est épinglé dans la synthèse."))
                return redirect(reverse("frontend:synthesis", args=[thread.pk]) + "#epingles")
    else:
        error = next(iter(form.errors.values()))[0]
    context = _page_context(
        request,
        thread,
        pin_form_error={
            "comment": request.POST.get("comment"),
            "message": error,
            "summary": request.POST.get("summary", ""),
            "kind": request.POST.get("kind", ""),
        },
    )
    return render(request, "synthesis/synthesis.html", context, status=status)


@login_required
@require_POST
def synthesis_unpin(request, thread_id: int, pin_id: int):
    pin = get_object_or_404(SynthesisPin, pk=pin_id, thread_id=thread_id)
    try:
        services.synthesis_unpin(actor=request.user, pin=pin)
    except AllianceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Le point est retiré de la synthèse."))
    return redirect("frontend:synthesis", thread_id)


@login_required
@require_POST
def point_mark(request, comment_id: int):
    """Mark (`is_point=1`) or unmark (`is_point=0`) a comment; back to `next` or the debate."""
    comment = get_object_or_404(
        Comment.objects.filter(thread__in=visible_threads(request.user)), pk=comment_id
    )
    is_point = request.POST.get("is_point") == "1"
    try:
        services.point_mark(actor=request.user, comment=comment, is_point=is_point)
    except AllianceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Le commentaire est un point de la synthèse.")
            if is_point
            else _("Le commentaire n'est plus un point de la synthèse."),
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = selectors.evidence_url(comment.thread_id, comment.pk)
    return redirect(target)
