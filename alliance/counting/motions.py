"""Yes / no / abstain motions with a majority threshold."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from .numbers import CountingError, Number, as_fraction

MOTION_CHOICES = ("yes", "no", "abstain")
MOTION_RULES = ("simple", "absolute", "two_thirds")


@dataclass(frozen=True)
class MotionResult:
    """Weighted totals and the outcome.

    `base` is the weight the threshold is a share of (expressed, or present for `absolute`);
    the motion is adopted when `yes > threshold` (`strict`) or `yes >= threshold`.
    """

    rule: str
    abstentions_count: bool
    yes: Fraction
    no: Fraction
    abstain: Fraction
    ballots: int
    base: Fraction
    threshold: Fraction
    strict: bool
    adopted: bool

    @property
    def weight_cast(self) -> Fraction:
        return self.yes + self.no + self.abstain


def validate_motion_choice(choice: object) -> str:
    if choice not in MOTION_CHOICES:
        raise CountingError("invalid_choice", f"not yes/no/abstain: {choice!r}", choice=choice)
    return choice  # type: ignore[return-value]


def tally_motion(
    ballots: Iterable[tuple[Number, str]],
    *,
    rule: str,
    abstentions_count: bool,
    weight_present: Number | None = None,
) -> MotionResult:
    """Count a motion. `ballots` are `(weight, "yes" | "no" | "abstain")`.

    - `simple`: yes > half of the weight expressed. Expressed is yes + no, plus the abstentions
      when `abstentions_count` (an abstention then works like a no).
    - `absolute`: yes > half of `weight_present` (required: the weight present or represented,
      at least the weight cast); abstentions and non-voters count against by construction.
    - `two_thirds`: yes >= two thirds of the weight expressed (same base as `simple`).

    With nothing expressed the motion is not adopted.
    """
    if rule not in MOTION_RULES:
        raise CountingError("unknown_rule", f"unknown rule {rule!r}", rule=rule)
    totals = dict.fromkeys(MOTION_CHOICES, Fraction(0))
    count = 0
    for weight, choice in ballots:
        totals[validate_motion_choice(choice)] += as_fraction(weight)
        count += 1
    yes, no, abstain = totals["yes"], totals["no"], totals["abstain"]
    if rule == "absolute":
        if weight_present is None:
            raise CountingError("weight_present_required", "absolute majority needs it")
        base = as_fraction(weight_present)
        if base < yes + no + abstain:
            raise CountingError("invalid_weight", "weight present below the weight cast")
    else:
        base = yes + no + (abstain if abstentions_count else 0)
    if rule == "two_thirds":
        threshold, strict = base * 2 / 3, False
    else:
        threshold, strict = base / 2, True
    adopted = base > 0 and (yes > threshold if strict else yes >= threshold)
    return MotionResult(
        rule=rule,
        abstentions_count=abstentions_count,
        yes=yes,
        no=no,
        abstain=abstain,
        ballots=count,
        base=base,
        threshold=threshold,
        strict=strict,
        adopted=adopted,
    )
