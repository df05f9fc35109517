"""Majority judgment (jugement majoritaire, Balinski & Laraki), weighted.

Every ballot grades every option. Grades are listed best first.

Median grade (lower median): the best grade g such that strictly more than half of the weight
gives g or better; equivalently at least half of the weight gives g or worse. With an even
number of equal votes this is the worse of the two middle grades, as Balinski and Laraki define
the majority grade.

Gauge: p = weight strictly better than the median grade, q = weight strictly worse. Options
with the same median are ordered by the majority gauge: if p > q the option is "median +" and
ranks above any "median -" one (q >= p); between two "+" the larger p ranks above; between two
"-" the smaller q ranks above.

When the gauges are equal too, the standard iterative rule applies: remove one median vote from
each option and compare again, until they differ (the lexicographic "majority value"). With
weights, every ballot counts as `weight * D` votes, D being the smallest common denominator of
the weights (with one CAE one vote, D = 1 and this is plain majority judgment). Since every
option has the same total, removing medians one by one reads the same positions of the sorted
grades for every option, from the middle outwards (the worse side first when two positions are
equally central); the first position where two options differ decides. Options still equal are
tied (identical grade distributions).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cmp_to_key

from .numbers import CountingError, Number, as_fraction


@dataclass(frozen=True)
class Grade:
    key: str
    label: str  # French, untranslated: callers translate (no Django here)


DEFAULT_GRADES: tuple[Grade, ...] = (
    Grade("tres_favorable", "très favorable"),
    Grade("favorable", "favorable"),
    Grade("plutot_favorable", "plutôt favorable"),
    Grade("plutot_defavorable", "plutôt défavorable"),
    Grade("defavorable", "défavorable"),
    Grade("tres_defavorable", "très défavorable"),
)
DEFAULT_GRADE_KEYS: tuple[str, ...] = tuple(grade.key for grade in DEFAULT_GRADES)


@dataclass(frozen=True)
class JudgmentEntry:
    option: Hashable
    rank: int  # 1 for the first; tied options share a rank
    median: str  # grade key
    p: Fraction  # weight strictly better than the median
    q: Fraction  # weight strictly worse than the median
    distribution: dict[str, Fraction]  # grade key -> weight, best grade first

    @property
    def sign(self) -> str:
        """ "+" when p > q, "-" otherwise (the majority gauge)."""
        return "+" if self.p > self.q else "-"


@dataclass(frozen=True)
class JudgmentResult:
    grades: tuple[str, ...]
    ranking: tuple[JudgmentEntry, ...]  # best first
    order: tuple[tuple[Hashable, ...], ...]  # tie groups, best first
    ballots: int
    weight_cast: Fraction

    @property
    def winners(self) -> tuple[Hashable, ...]:
        return self.order[0] if self.order else ()


def validate_judgment(
    options: Sequence[Hashable], grades: Mapping[Hashable, str], grade_keys: Sequence[str]
) -> dict[Hashable, str]:
    """One known grade for every option; raises `unknown_option`, `unknown_grade`,
    `missing_grade`."""
    for option, grade in grades.items():
        if option not in options:
            raise CountingError("unknown_option", f"unknown option {option!r}", option=option)
        if grade not in grade_keys:
            raise CountingError("unknown_grade", f"unknown grade {grade!r}", grade=grade)
    missing = [option for option in options if option not in grades]
    if missing:
        raise CountingError("missing_grade", "every option needs a grade", options=missing)
    return dict(grades)


def median_grade(counts: Sequence[Fraction]) -> int:
    """Index of the lower median grade of weights per grade (best first)."""
    total = sum(counts)
    running = Fraction(0)
    for index, weight in enumerate(counts):
        running += weight
        if running * 2 > total:
            return index
    raise CountingError("no_ballots", "no weight to take a median of")


def _grade_at(bounds: Sequence[int], position: int) -> int:
    """Grade index holding the 1-based `position` (bounds are cumulative counts)."""
    for index, bound in enumerate(bounds):
        if position <= bound:
            return index
    raise AssertionError("position beyond the total")


def _compare(a: Sequence[int], b: Sequence[int]) -> int:
    """-1 if `a` ranks above `b` (integer vote counts per grade, best first), 1 below, 0 tie."""
    bounds_a = [sum(a[: i + 1]) for i in range(len(a))]
    bounds_b = [sum(b[: i + 1]) for i in range(len(b))]
    total = bounds_a[-1]
    center = Fraction(total + 1, 2)
    # Positions where either step function may change: segment starts.
    starts = sorted({1} | {bound + 1 for bound in bounds_a + bounds_b if bound < total})
    best_key, decision = None, 0
    for index, start in enumerate(starts):
        end = starts[index + 1] - 1 if index + 1 < len(starts) else total
        grade_a, grade_b = _grade_at(bounds_a, start), _grade_at(bounds_b, start)
        if grade_a == grade_b:
            continue
        if start <= center <= end:  # the segment spans the centre: the centre side decides
            nearest = math.ceil(center)
        else:
            nearest = start if start > center else end
        key = (abs(nearest - center), 0 if nearest >= center else 1)
        if best_key is None or key < best_key:
            best_key, decision = key, (-1 if grade_a < grade_b else 1)
    return decision


def tally_majority_judgment(
    options: Sequence[Hashable],
    ballots: Iterable[tuple[Number, Mapping[Hashable, str]]],
    *,
    grades: Sequence[str] = DEFAULT_GRADE_KEYS,
) -> JudgmentResult:
    """`ballots` are `(weight, {option: grade key})`; returns the full ordering (empty, with no
    winner, when no weight was cast)."""
    grades = tuple(grades)
    counts = {option: [Fraction(0)] * len(grades) for option in options}
    count, cast = 0, Fraction(0)
    for weight, ballot in ballots:
        weight = as_fraction(weight)
        for option, grade in validate_judgment(options, ballot, grades).items():
            counts[option][grades.index(grade)] += weight
        count += 1
        cast += weight
    if not options or cast == 0:
        return JudgmentResult(grades, (), (), count, cast)
    scale = math.lcm(*(w.denominator for c in counts.values() for w in c))
    votes = {option: [int(w * scale) for w in c] for option, c in counts.items()}
    ordered = sorted(options, key=cmp_to_key(lambda x, y: _compare(votes[x], votes[y])))
    order: list[list[Hashable]] = []
    for option in ordered:
        if order and _compare(votes[order[-1][0]], votes[option]) == 0:
            order[-1].append(option)
        else:
            order.append([option])
    entries, rank = [], 1
    for group in order:
        for option in group:
            c = counts[option]
            m = median_grade(c)
            entries.append(
                JudgmentEntry(
                    option=option,
                    rank=rank,
                    median=grades[m],
                    p=sum(c[:m], Fraction(0)),
                    q=sum(c[m + 1 :], Fraction(0)),
                    distribution=dict(zip(grades, c, strict=True)),
                )
            )
        rank += len(group)
    return JudgmentResult(grades, tuple(entries), tuple(map(tuple, order)), count, cast)
