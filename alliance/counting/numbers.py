"""Exact numbers and the error every counting function raises.

Weights are `fractions.Fraction` throughout so that sums and comparisons are exact; convert to
`Decimal` only to display (`to_decimal`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from numbers import Rational

Number = int | Fraction | Decimal | str


class CountingError(ValueError):
    """An invalid input to a counting function.

    `code` is stable snake_case (for example `unknown_option`, `too_many_choices`); callers map it
    to a translated message. `details` carries the offending values.
    """

    def __init__(self, code: str, message: str = "", **details: object) -> None:
        self.code = code
        self.message = message or code
        self.details = details
        super().__init__(f"{code}: {self.message}")


def as_fraction(value: Number | float, *, code: str = "invalid_weight") -> Fraction:
    """Exact `Fraction` from an int, Fraction, Decimal or numeric string.

    A float goes through its shortest decimal repr (`0.1` -> 1/10), never its binary value.
    Negative, infinite and non-numeric values raise `CountingError(code)`.
    """
    try:
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, float):
            value = repr(value)
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError
            result = Fraction(value)
        elif isinstance(value, Rational):
            result = Fraction(value)
        elif isinstance(value, str):
            result = Fraction(value.strip())
        else:
            raise TypeError
    except (TypeError, ValueError, ZeroDivisionError):
        raise CountingError(code, f"not an exact number: {value!r}", value=repr(value)) from None
    if result < 0:
        raise CountingError(code, f"negative: {value!r}", value=repr(value))
    return result


def exact_sum(values: Iterable[Fraction]) -> Fraction:
    """The exact sum of `values`, adding numerators of a common denominator as integers: the
    weights of thousands of CAEs share a few denominators, and adding them one `Fraction` at a
    time (a gcd each) was most of reading an assembly's attendance."""
    numerators: dict[int, int] = defaultdict(int)
    for value in values:
        numerators[value.denominator] += value.numerator
    return sum((Fraction(n, d) for d, n in numerators.items()), Fraction(0))


def to_decimal(value: Fraction | int, places: int = 2) -> Decimal:
    """Round an exact value for display (half up). Never compare the result."""
    value = Fraction(value)
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )
