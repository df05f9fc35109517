"""Ranking ballots: weighted Borda scores and the weighted Schulze method.

A ranking ballot is a sequence of positions, best first; each position is one option or a
collection (set, list, tuple) of options tied there. Options left out are tied after every
ranked one (a partial ballot). An option may appear only once.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .numbers import CountingError, Number, as_fraction

Ranking = Sequence[Hashable | Collection[Hashable]]


@dataclass(frozen=True)
class BordaResult:
    """`scores` in the options' order; `order` is tie groups, best first."""

    scores: dict[Hashable, Fraction]
    order: tuple[tuple[Hashable, ...], ...]
    ballots: int
    weight_cast: Fraction

    @property
    def winners(self) -> tuple[Hashable, ...]:
        return self.order[0] if self.order else ()


@dataclass(frozen=True)
class SchulzeResult:
    """`pairwise[a][b]`: weight preferring a to b; `strongest[a][b]`: strength of the
    strongest path from a to b (winning votes); `order`: tie groups, best first."""

    pairwise: dict[Hashable, dict[Hashable, Fraction]]
    strongest: dict[Hashable, dict[Hashable, Fraction]]
    winners: tuple[Hashable, ...]
    order: tuple[tuple[Hashable, ...], ...]
    ballots: int
    weight_cast: Fraction

    @property
    def condorcet_winner(self) -> Hashable | None:
        """The option beating every other head to head, if there is one."""
        for a in self.pairwise:
            if all(self.pairwise[a][b] > self.pairwise[b][a] for b in self.pairwise if b != a):
                return a
        return None


def validate_ranking(options: Sequence[Hashable], ranking: Ranking) -> tuple[frozenset, ...]:
    """Tie groups best first, the unranked options as a last group (if any).

    Raises `unknown_option`, `duplicate_choice`, `empty_group`."""
    groups: list[frozenset] = []
    seen: set[Hashable] = set()
    for position in ranking:
        members = (
            list(position)
            if isinstance(position, Collection) and not isinstance(position, str)
            else [position]
        )
        if not members:
            raise CountingError("empty_group", "an empty position in the ranking")
        for option in members:
            if option not in options:
                raise CountingError("unknown_option", f"unknown option {option!r}", option=option)
            if option in seen:
                raise CountingError("duplicate_choice", f"{option!r} twice", option=option)
            seen.add(option)
        groups.append(frozenset(members))
    rest = frozenset(option for option in options if option not in seen)
    if rest:
        groups.append(rest)
    return tuple(groups)


def _groups_by_value(options, value) -> tuple[tuple[Hashable, ...], ...]:
    """Tie groups of options, highest value first, options' order inside a group."""
    levels = sorted({value[o] for o in options}, reverse=True)
    return tuple(tuple(o for o in options if value[o] == level) for level in levels)


def tally_borda(
    options: Sequence[Hashable], ballots: Iterable[tuple[Number, Ranking]]
) -> BordaResult:
    """Weighted Borda: per ballot an option scores the number of options ranked strictly below
    it plus half the number tied with it (tied options share the points of the places they
    cover; unranked options are one tied group at the bottom). Every ballot thus hands out the
    same n(n-1)/2 points, partial or not; multiplied by the ballot's weight."""
    scores = dict.fromkeys(options, Fraction(0))
    count, cast = 0, Fraction(0)
    for weight, ranking in ballots:
        weight = as_fraction(weight)
        groups = validate_ranking(options, ranking)
        below = len(options)
        for group in groups:
            below -= len(group)
            points = below + Fraction(len(group) - 1, 2)
            for option in group:
                scores[option] += weight * points
        count += 1
        cast += weight
    return BordaResult(scores, _groups_by_value(options, scores), count, cast)


def pairwise_matrix(
    options: Sequence[Hashable], ballots: Iterable[tuple[Number, Ranking]]
) -> tuple[dict[Hashable, dict[Hashable, Fraction]], int, Fraction]:
    """`d[a][b]` = weight of ballots ranking a strictly above b; with the count and weight."""
    d = {a: {b: Fraction(0) for b in options if b != a} for a in options}
    count, cast = 0, Fraction(0)
    for weight, ranking in ballots:
        weight = as_fraction(weight)
        groups = validate_ranking(options, ranking)
        for i, upper in enumerate(groups):
            lower = [b for group in groups[i + 1 :] for b in group]
            for a in upper:
                for b in lower:
                    d[a][b] += weight
        count += 1
        cast += weight
    return d, count, cast


def tally_schulze(
    options: Sequence[Hashable], ballots: Iterable[tuple[Number, Ranking]]
) -> SchulzeResult:
    """Weighted Schulze (beat-path, winning votes, as Debian counts).

    A link a->b has strength d[a][b] when d[a][b] > d[b][a], else 0; `strongest[a][b]` is the
    widest path (Floyd–Warshall). a beats b when strongest[a][b] > strongest[b][a]; the winners
    are the options nobody beats; the order repeats that on the options left (tie groups)."""
    d, count, cast = pairwise_matrix(options, ballots)
    p = {a: {b: (d[a][b] if d[a][b] > d[b][a] else Fraction(0)) for b in d[a]} for a in options}
    for k in options:
        for i in options:
            if i == k:
                continue
            for j in options:
                if j in (i, k):
                    continue
                p[i][j] = max(p[i][j], min(p[i][k], p[k][j]))
    order: list[tuple[Hashable, ...]] = []
    left = list(options)
    while left:
        top = tuple(a for a in left if all(p[a][b] >= p[b][a] for b in left if b != a))
        order.append(top)
        left = [a for a in left if a not in top]
    return SchulzeResult(
        pairwise=d,
        strongest=p,
        winners=order[0] if order else (),
        order=tuple(order),
        ballots=count,
        weight_cast=cast,
    )
