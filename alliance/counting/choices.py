"""Single choice and approval (multiple choice, at most k) polls."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .numbers import CountingError, Number, as_fraction


@dataclass(frozen=True)
class ChoiceResult:
    """Weighted totals per option (in the options' order) and the winners.

    `winners` holds every option with the highest total: more than one is a tie, which the
    caller must report (nothing is broken silently). Empty when nothing was chosen.
    `blank` is the weight of ballots that chose nothing.
    """

    totals: dict[Hashable, Fraction]
    winners: tuple[Hashable, ...]
    ballots: int
    weight_cast: Fraction
    blank: Fraction

    @property
    def is_tie(self) -> bool:
        return len(self.winners) > 1


def validate_single_choice(options: Sequence[Hashable], choice: Hashable | None) -> Hashable | None:
    """The choice itself, or None for a blank ballot; `unknown_option` otherwise."""
    if choice is not None and choice not in options:
        raise CountingError("unknown_option", f"unknown option {choice!r}", option=choice)
    return choice


def validate_approval(
    options: Sequence[Hashable], choices: Iterable[Hashable], max_choices: int | None = None
) -> frozenset[Hashable]:
    """The approved options; raises `unknown_option`, `duplicate_choice`, `too_many_choices`."""
    seen: list[Hashable] = []
    for choice in choices:
        validate_single_choice(options, choice)
        if choice is None:
            raise CountingError("unknown_option", "None is not an option", option=None)
        if choice in seen:
            raise CountingError("duplicate_choice", f"{choice!r} twice", option=choice)
        seen.append(choice)
    if max_choices is not None and len(seen) > max_choices:
        raise CountingError(
            "too_many_choices", f"at most {max_choices}", max_choices=max_choices, count=len(seen)
        )
    return frozenset(seen)


def _result(options, totals, count, cast, blank) -> ChoiceResult:
    best = max(totals.values(), default=Fraction(0))
    winners = tuple(o for o in options if best > 0 and totals[o] == best)
    return ChoiceResult(
        totals=totals, winners=winners, ballots=count, weight_cast=cast, blank=blank
    )


def tally_single_choice(
    options: Sequence[Hashable], ballots: Iterable[tuple[Number, Hashable | None]]
) -> ChoiceResult:
    """`ballots` are `(weight, option or None for blank)`."""
    totals = dict.fromkeys(options, Fraction(0))
    count, cast, blank = 0, Fraction(0), Fraction(0)
    for weight, choice in ballots:
        weight = as_fraction(weight)
        if validate_single_choice(options, choice) is None:
            blank += weight
        else:
            totals[choice] += weight
        count += 1
        cast += weight
    return _result(options, totals, count, cast, blank)


def tally_approval(
    options: Sequence[Hashable],
    ballots: Iterable[tuple[Number, Iterable[Hashable]]],
    *,
    max_choices: int | None = None,
) -> ChoiceResult:
    """`ballots` are `(weight, approved options)`; each approved option gets the full weight."""
    totals = dict.fromkeys(options, Fraction(0))
    count, cast, blank = 0, Fraction(0), Fraction(0)
    for weight, choices in ballots:
        weight = as_fraction(weight)
        approved = validate_approval(options, choices, max_choices)
        for option in approved:
            totals[option] += weight
        if not approved:
            blank += weight
        count += 1
        cast += weight
    return _result(options, totals, count, cast, blank)
