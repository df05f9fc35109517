"""Reads of the consultation, shaped for its pages and endpoints."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance import counting
from alliance.errors import NotAllowed, NotFound
from alliance.models import Organisation
from proposals.consultation import rules
from proposals.consultation.results import AxisRanking, organisation_weights, rank_axes
from proposals.models.consultation import (
    AnswerChannel,
    Consultation,
    ConsultationAnswer,
    ConsultationAnswerRevision,
    ConsultationAxis,
    Weighting,
)

NO_NETWORK = "none"


# --- Consultations ----------------------------------------------------------------------------


def consultation_list(*, user=None):
    """Every consultation, newest first, with its answer count and whether the person's CAE
    answered (`my_answered`)."""
    queryset = Consultation.objects.annotate(answer_count=Count("answers", distinct=True))
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id:
        queryset = queryset.annotate(
            my_answered=Exists(
                ConsultationAnswer.objects.filter(
                    consultation=OuterRef("pk"), organisation_id=organisation_id
                )
            )
        )
    return queryset.order_by("-opens_at", "pk")


def consultation_get(*, slug: str) -> Consultation:
    """One consultation with its axes and questions, and its answer count."""
    consultation = (
        Consultation.objects.annotate(answer_count=Count("answers"))
        .prefetch_related("axes", "questions")
        .filter(slug=slug)
        .first()
    )
    if consultation is None:
        raise NotFound(_("Cette consultation n'existe pas."), code="consultation_not_found")
    return consultation


def eligible_count() -> int:
    return Organisation.objects.active().count()


# --- Answers ----------------------------------------------------------------------------------


def answer_for(*, consultation: Consultation, organisation_id: int | None):
    """The CAE's answer with its history (newest first), or None."""
    if organisation_id is None:
        return None
    return (
        ConsultationAnswer.objects.select_related("entered_by", "organisation")
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=ConsultationAnswerRevision.objects.select_related("entered_by"),
            )
        )
        .filter(consultation=consultation, organisation_id=organisation_id)
        .first()
    )


def answers_for_export(*, consultation: Consultation):
    return (
        ConsultationAnswer.objects.filter(consultation=consultation)
        .select_related("organisation", "entered_by")
        .prefetch_related("organisation__networks")
        .order_by("organisation__name", "pk")
    )


def answers_visible(*, user, consultation: Consultation):
    if not rules.can_view_answers(user):
        raise NotAllowed(
            _("Les réponses de chaque CAE sont réservées aux animateur·rices."),
        )
    return answers_for_export(consultation=consultation)


def ranked_axes(consultation: Consultation, ranking: list[int]) -> list[ConsultationAxis]:
    """An answer's ranking as axis objects (uses the prefetched axes)."""
    by_id = {axis.pk: axis for axis in consultation.axes.all()}
    return [by_id[axis_id] for axis_id in ranking if axis_id in by_id]


def organisations_for_territorial_entry():
    return Organisation.objects.active().only("pk", "name").order_by("name")


def answer_channels(*, consultation: Consultation) -> dict[int, str]:
    """Which CAEs answered, and through which channel: organisation id -> channel."""
    return dict(
        ConsultationAnswer.objects.filter(consultation=consultation).values_list(
            "organisation_id", "channel"
        )
    )


def organisations_without_answer(*, consultation: Consultation):
    """The active CAEs that have not answered: whom the facilitators still have to reach."""
    return (
        Organisation.objects.active()
        .exclude(consultation_answers__consultation=consultation)
        .only("pk", "name", "slug", "city")
        .order_by("name")
    )


# --- Results ----------------------------------------------------------------------------------


def display(value: Fraction) -> Decimal:
    return counting.to_decimal(value, 2)


@dataclass
class AxisResult:
    axis: ConsultationAxis
    borda_score: Decimal
    borda_rank: int
    schulze_rank: int
    bar_percent: Decimal
    first_places: int


@dataclass
class PairCell:
    against: ConsultationAxis
    votes: Decimal | None  # None on the diagonal
    wins: bool = False
    loses: bool = False


@dataclass
class PairRow:
    axis: ConsultationAxis
    cells: list[PairCell]


@dataclass
class GroupResult:
    key: str
    label: str
    answers: int
    borda_order: list[AxisResult]
    schulze_winners: list[ConsultationAxis]


@dataclass
class ConsultationResults:
    consultation: Consultation
    answered: int
    eligible: int
    weighting_label: str
    weight_cast: Decimal
    axes: list[AxisResult]  # Borda order, best first
    schulze_order: list[list[ConsultationAxis]]
    pairwise: list[PairRow]
    condorcet_winner: ConsultationAxis | None
    counted: AxisRanking
    by_network: list[GroupResult] = field(default_factory=list)
    by_channel: list[GroupResult] = field(default_factory=list)

    @property
    def participation_percent(self) -> int:
        return round(100 * self.answered / self.eligible) if self.eligible else 0


def _axis_results(axes, ranking: AxisRanking, first_places: dict[int, int]) -> list[AxisResult]:
    top = max(ranking.borda_scores.values(), default=Fraction(0)) or Fraction(1)
    rows = [
        AxisResult(
            axis=axis,
            borda_score=display(ranking.borda_scores[axis.pk]),
            borda_rank=ranking.borda_ranks[axis.pk],
            schulze_rank=ranking.schulze_ranks[axis.pk],
            bar_percent=counting.to_decimal(100 * ranking.borda_scores[axis.pk] / top, 1),
            first_places=first_places.get(axis.pk, 0),
        )
        for axis in axes
    ]
    return sorted(rows, key=lambda r: (r.borda_rank, r.axis.position))


def _group(key, label, axes, ballots) -> GroupResult:
    ranking = rank_axes([a.pk for a in axes], ballots)
    by_id = {a.pk: a for a in axes}
    return GroupResult(
        key=key,
        label=str(label),
        answers=len(ballots),
        borda_order=_axis_results(axes, ranking, {}),
        schulze_winners=[by_id[pk] for pk in ranking.schulze_order[0]]
        if ranking.schulze_order
        else [],
    )


def consultation_results(*, consultation: Consultation, user=None, now=None):
    """Participation, weighted Borda and Schulze rankings with the pairwise matrix, and
    breakdowns by network (CAEs in no network form their own group) and by channel.

    Raises `results_hidden` while the consultation hides them until its closing date."""
    if not rules.can_view_results(user, consultation, now or timezone.now()):
        raise NotAllowed(
            _("Les résultats seront publiés à la clôture de la consultation."),
            code="results_hidden",
        )
    axes = list(consultation.axes.all())
    axis_ids = [a.pk for a in axes]
    answers = list(
        ConsultationAnswer.objects.filter(consultation=consultation)
        .select_related("organisation")
        .prefetch_related("organisation__networks")
    )
    weights = organisation_weights(
        consultation.weighting,
        {a.organisation_id: a.organisation.entrepreneurs_count for a in answers},
        consultation.weight_cap_share,
    )
    known = set(axis_ids)  # an axis removed after answering drops out of the count
    ballots = [(weights[a.organisation_id], [x for x in a.ranking if x in known]) for a in answers]
    ranking = rank_axes(axis_ids, ballots)
    first_places: dict[int, int] = {}
    for answer in answers:
        if answer.ranking:
            first_places[answer.ranking[0]] = first_places.get(answer.ranking[0], 0) + 1

    by_id = {a.pk: a for a in axes}
    pairwise = []
    for a in axes:
        cells = []
        for b in axes:
            if a.pk == b.pk:
                cells.append(PairCell(against=b, votes=None))
                continue
            mine, theirs = ranking.pairwise[a.pk][b.pk], ranking.pairwise[b.pk][a.pk]
            cells.append(
                PairCell(against=b, votes=display(mine), wins=mine > theirs, loses=mine < theirs)
            )
        pairwise.append(PairRow(axis=a, cells=cells))

    networks: dict[str, tuple[str, list]] = {}
    for answer, ballot in zip(answers, ballots, strict=True):
        groups = answer.organisation.networks.all() or [None]
        for network in groups:
            key = network.slug if network else NO_NETWORK
            label = network.label if network else _("Hors réseau")
            networks.setdefault(key, (label, []))[1].append(ballot)
    by_network = [
        _group(key, label, axes, group_ballots)
        for key, (label, group_ballots) in sorted(
            networks.items(), key=lambda item: (item[0] == NO_NETWORK, str(item[1][0]))
        )
    ]
    by_channel = []
    for channel in AnswerChannel:
        group_ballots = [
            b for a, b in zip(answers, ballots, strict=True) if a.channel == channel.value
        ]
        if group_ballots:
            by_channel.append(_group(channel.value, channel.label, axes, group_ballots))

    return ConsultationResults(
        consultation=consultation,
        answered=len(answers),
        eligible=eligible_count(),
        weighting_label=str(Weighting(consultation.weighting).label),
        weight_cast=display(ranking.weight_cast),
        axes=_axis_results(axes, ranking, first_places),
        schulze_order=[[by_id[pk] for pk in group] for group in ranking.schulze_order],
        pairwise=pairwise,
        condorcet_winner=by_id.get(ranking.condorcet_winner),
        counted=ranking,
        by_network=by_network,
        by_channel=by_channel,
    )
