"""Organisation weights, computed once when a poll opens.

Normalisation: one CAE one vote gives every organisation 1; the other rules distribute a total
equal to the number of organisations, so the average weight is always 1 and results read the
same whatever the rule (a weight of 2.5 is "two and a half CAEs").
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from fractions import Fraction

from .numbers import CountingError, Number, as_fraction


def weights_one_per_organisation(org_ids: Iterable[Hashable]) -> dict[Hashable, Fraction]:
    """One CAE, one vote: every organisation weighs 1 (one shared, immutable `Fraction`)."""
    one = Fraction(1)
    return dict.fromkeys(org_ids, one)


def weights_proportional_capped(
    sizes: Mapping[Hashable, int], cap_share: Number
) -> dict[Hashable, Fraction]:
    """Weight proportional to size (entrepreneurs-salariés), no organisation above `cap_share`.

    The total is the number of organisations. Rule: find the set C of capped organisations;
    each holds exactly `cap_share` of the total and the others share the rest in proportion to
    their size. C starts empty; any organisation whose proportional share exceeds the cap joins
    C and the rest is shared again, until no share exceeds the cap (at most n rounds, exact
    arithmetic). Adding to C only raises the others' shares, so the result is the unique
    "water-filling" allocation.

    An organisation of size 0 weighs 0 (it receives nothing from the redistribution); give it
    a size of 1 beforehand if it must keep a voice. `cap_share` is in (0, 1]; the cap must be
    reachable: `cap_share * (organisations of positive size) >= 1`, otherwise
    `CountingError("cap_infeasible")`.
    """
    cap = as_fraction(cap_share, code="invalid_share")
    if not 0 < cap <= 1:
        raise CountingError("invalid_share", "the cap must be in (0, 1]", cap_share=str(cap))
    for org, size in sizes.items():
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise CountingError("invalid_size", f"size of {org!r}: {size!r}", organisation=org)
    total = Fraction(len(sizes))
    positive = {org: size for org, size in sizes.items() if size > 0}
    if not positive:
        if sizes:
            raise CountingError("cap_infeasible", "every organisation has size 0")
        return {}
    if cap * len(positive) < 1:
        raise CountingError(
            "cap_infeasible",
            "too few organisations for that cap",
            cap_share=str(cap),
            organisations=len(positive),
        )
    capped: set[Hashable] = set()
    while True:
        rest = 1 - cap * len(capped)
        free_size = sum(size for org, size in positive.items() if org not in capped)
        shares = {
            org: (cap if org in capped else rest * size / free_size)
            for org, size in positive.items()
        }
        over = {org for org, share in shares.items() if share > cap}
        if not over:
            break
        capped |= over
    return {org: shares.get(org, Fraction(0)) * total for org in sizes}


def weights_colleges(
    college_of: Mapping[Hashable, Hashable], college_shares: Mapping[Hashable, Number]
) -> dict[Hashable, Fraction]:
    """Colleges: each college holds a fixed share of the total, split equally among its members.

    Shares are positive numbers read as proportions (1/2 + 1/2, or 60 + 40, mean the same).
    A college with no member gives its share to the non-empty colleges in proportion to their
    own shares (that is, shares are normalised over the non-empty colleges). The total is the
    number of organisations. An organisation in a college absent from `college_shares` raises
    `CountingError("unknown_college")`.
    """
    shares = {
        college: as_fraction(s, code="invalid_share") for college, s in college_shares.items()
    }
    if any(share == 0 for share in shares.values()):
        raise CountingError("invalid_share", "a college share must be positive")
    members: dict[Hashable, int] = {}
    for org, college in college_of.items():
        if college not in shares:
            raise CountingError(
                "unknown_college", f"{org!r} is in an unknown college", organisation=org
            )
        members[college] = members.get(college, 0) + 1
    if not members:
        return {}
    present_total = sum(shares[college] for college in members)
    total = Fraction(len(college_of))
    return {
        org: total * shares[college] / present_total / members[college]
        for org, college in college_of.items()
    }
