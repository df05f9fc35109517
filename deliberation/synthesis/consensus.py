"""Counting reactions on synthesis points: overall, per group of CAEs, per CAE. Pure Python.

Groups are networks. Decisions the issue left open, taken here:

- A CAE outside any network forms, with the other CAEs outside any network, one group
  (`OUTSIDE`). A CAE in two networks counts in both: its reactions belong to each of its
  networks, so a network's counts always describe all of its CAEs.
- A reaction from a person acting for no CAE (secretariat, steering committee without a CAE)
  counts in the overall numbers only, in no group and in no CAE.
- Rates use Laplace smoothing, (agree + 1) / (seen + 2), so that an unseen group sits at 1/2
  and one enthusiastic voter is not a 100 % group. seen = agree + disagree + pass.
- Group-informed consensus (Pol.is): the product over the groups of their smoothed agreement.
  Every group that reacted somewhere in the thread takes part, so a group that ignored a point
  weighs 1/2 in its consensus: a convergence must be shared across the alliance.
- Spread: max - min of the smoothed agreement over the groups that saw the point (a group that
  did not react says nothing about a split). The range is easier to explain than a standard
  deviation ("CPE agrees at 80 %, BIGRE at 20 %") and ranks the same splits first.
- A group with fewer than `MIN_SEEN_FOR_RATE` reactions to a point is flagged `small`: pages
  show its counts ("2 sur 2"), not a percentage.
- A point is a convergence when every group that saw it agrees more than it disagrees in
  smoothed terms (rate > 1/2); a divergence when its spread is at least
  `DIVERGENCE_MIN_SPREAD`. A point can be both (most groups agree, one splits away): it is
  then listed in both, which is the honest answer; or neither (no clear majority anywhere).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

OUTSIDE = "outside"  # group key of the CAEs outside any network
MIN_SEEN_FOR_RATE = 3
DIVERGENCE_MIN_SPREAD = 0.3
KINDS = ("agree", "disagree", "pass")


@dataclass
class Counts:
    agree: int = 0
    disagree: int = 0
    passed: int = 0

    def add(self, kind: str, n: int = 1) -> None:
        if kind == "agree":
            self.agree += n
        elif kind == "disagree":
            self.disagree += n
        elif kind == "pass":
            self.passed += n
        else:
            raise ValueError(f"unknown reaction kind {kind!r}")

    @property
    def seen(self) -> int:
        return self.agree + self.disagree + self.passed

    @property
    def smoothed_agreement(self) -> float:
        return (self.agree + 1) / (self.seen + 2)

    @property
    def agreement_rate(self) -> float | None:
        """The plain share of agreement, for display; None when nobody reacted."""
        return self.agree / self.seen if self.seen else None

    @property
    def small(self) -> bool:
        return self.seen < MIN_SEEN_FOR_RATE

    def as_dict(self) -> dict:
        return {
            "agree": self.agree,
            "disagree": self.disagree,
            "pass": self.passed,
            "seen": self.seen,
            "agreement_rate": self.agreement_rate,
            "smoothed_agreement": self.smoothed_agreement,
            "small": self.small,
        }


@dataclass
class PointTally:
    overall: Counts = field(default_factory=Counts)
    by_group: dict[Hashable, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_organisation: dict[int, Counts] = field(default_factory=lambda: defaultdict(Counts))


def groups_of(organisation_id: int | None, networks_of: Mapping[int, Iterable[Hashable]]):
    """The groups a CAE's reactions count in: each of its networks, or `OUTSIDE`."""
    if organisation_id is None:
        return ()
    networks = tuple(networks_of.get(organisation_id, ()))
    return networks or (OUTSIDE,)


def tally(
    rows: Iterable[tuple[int, str, int | None, int]],
    networks_of: Mapping[int, Iterable[Hashable]],
) -> dict[int, PointTally]:
    """`rows` are (point id, kind, organisation id or None, count), as one GROUP BY returns."""
    tallies: dict[int, PointTally] = defaultdict(PointTally)
    for point_id, kind, organisation_id, n in rows:
        point = tallies[point_id]
        point.overall.add(kind, n)
        if organisation_id is not None:
            point.by_organisation[organisation_id].add(kind, n)
        for group in groups_of(organisation_id, networks_of):
            point.by_group[group].add(kind, n)
    return dict(tallies)


def consensus(by_group: Mapping[Hashable, Counts], groups: Iterable[Hashable]) -> float:
    """Group-informed consensus: product over `groups` of (agree_g + 1) / (seen_g + 2)."""
    return math.prod(by_group.get(g, Counts()).smoothed_agreement for g in groups)


def spread(by_group: Mapping[Hashable, Counts]) -> float:
    """max - min of the smoothed agreement over the groups that reacted; 0 with fewer than 2."""
    rates = [c.smoothed_agreement for c in by_group.values() if c.seen]
    return max(rates) - min(rates) if len(rates) >= 2 else 0.0


def is_convergence(by_group: Mapping[Hashable, Counts]) -> bool:
    seen = [c for c in by_group.values() if c.seen]
    return bool(seen) and all(c.smoothed_agreement > 0.5 for c in seen)


def is_divergence(by_group: Mapping[Hashable, Counts]) -> bool:
    return spread(by_group) >= DIVERGENCE_MIN_SPREAD
