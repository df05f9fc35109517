"""What every fault test checks in the database once the fault is over."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from assemblies.services import receipt_hash
from assemblies.tallying import decimal

CHOICES = ("yes", "no", "abstain")


def choice_for(index: int) -> str:
    return CHOICES[index % 3]


def database_sum(ballots: list[dict]) -> dict:
    """The motion totals recomputed here from the ballot rows."""
    sums = defaultdict(Fraction)
    for ballot in ballots:
        sums[ballot["choice"]] += Fraction(ballot["weight"])
    return {choice: decimal(sums[choice]) for choice in CHOICES}


def assert_consistent(final: dict, acks: list[dict]) -> None:
    """Every acknowledged ballot is in the database; one ballot per CAE and one record of who
    voted per ballot (nothing half-written); the ledger verifies; the final tally is the sum of
    the ballots."""
    ballots = final["ballots"]
    by_receipt = {b["receipt_hash"]: b for b in ballots}
    for ack in acks:
        ballot = by_receipt.get(receipt_hash(ack["receipt"]))
        assert ballot is not None, f"acknowledged ballot of {ack['organisation']} missing"
        assert ballot["organisation"] == ack["organisation"]
    organisations = [b["organisation"] for b in ballots]
    assert len(organisations) == len(set(organisations)), "a CAE has two ballots"
    assert sorted(final["records"]) == sorted(organisations), "ballots and vote records differ"
    assert final["verification"]["ok"], final["verification"]["problems"]
    assert final["tally"]["seq"] == len(ballots)
    assert final["tally"]["totals"] == database_sum(ballots)
    assert final["closing_totals"] == final["tally"]["totals"]
