"""The consultation's count: organisation weights, then weighted Borda and Schulze over the
answers' rankings. The arithmetic lives in `alliance.counting`; this module only feeds it and
shapes its output (ranks with ties, exact scores)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from alliance import counting
from proposals.models.consultation import Weighting

Ballot = tuple[Fraction, Sequence[Hashable]]


@dataclass(frozen=True)
class AxisRanking:
    """Weighted Borda and Schulze over complete rankings of the same options."""

    options: tuple[Hashable, ...]
    ballots: int
    weight_cast: Fraction
    borda_scores: dict[Hashable, Fraction]
    borda_ranks: dict[Hashable, int]
    schulze_ranks: dict[Hashable, int]
    schulze_order: tuple[tuple[Hashable, ...], ...]
    pairwise: dict[Hashable, dict[Hashable, Fraction]]
    strongest: dict[Hashable, dict[Hashable, Fraction]]
    condorcet_winner: Hashable | None

    @property
    def borda_order(self) -> list[Hashable]:
        return sorted(self.options, key=lambda o: (self.borda_ranks[o], self.options.index(o)))


def ranks_from_order(order: Iterable[Iterable[Hashable]]) -> dict[Hashable, int]:
    """Tie groups best first -> competition ranks (1, 1, 3...)."""
    ranks, placed = {}, 0
    for group in order:
        group = tuple(group)
        for option in group:
            ranks[option] = placed + 1
        placed += len(group)
    return ranks


def rank_axes(options: Sequence[Hashable], ballots: Iterable[Ballot]) -> AxisRanking:
    ballots = list(ballots)
    borda = counting.tally_borda(options, ballots)
    schulze = counting.tally_schulze(options, ballots)
    return AxisRanking(
        options=tuple(options),
        ballots=borda.ballots,
        weight_cast=borda.weight_cast,
        borda_scores=dict(borda.scores),
        borda_ranks=ranks_from_order(borda.order),
        schulze_ranks=ranks_from_order(schulze.order),
        schulze_order=tuple(tuple(group) for group in schulze.order),
        pairwise=schulze.pairwise,
        strongest=schulze.strongest,
        condorcet_winner=schulze.condorcet_winner,
    )


def organisation_weights(
    weighting: str, sizes: Mapping[Hashable, int], cap_share: Decimal
) -> dict[Hashable, Fraction]:
    """Weights of the answering organisations. By size, the total equals the number of
    organisations, so a weight reads as "so many CAEs"; a CAE with no declared size counts as
    one entrepreneur so that it keeps a voice."""
    if weighting == Weighting.BY_SIZE and sizes:
        floor = {org: max(size, 1) for org, size in sizes.items()}
        share = max(Fraction(cap_share), Fraction(1, len(floor)))  # a cap below 1/n is infeasible
        return counting.weights_proportional_capped(floor, share)
    return counting.weights_one_per_organisation(sizes)
