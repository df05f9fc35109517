"""The hash-chained ledger of a poll: its opening, every ballot, its closing.

Each entry's hash is the SHA-256 of the previous entry's hash and the entry's canonical JSON, so
editing any row breaks the chain from that row on, and the last hash (printed in the minutes)
vouches for the whole history.

When entries are appended: appending needs the previous hash, that is one writer at a time per
poll. Rather than make every ballot wait for that (a hot row every voter locks), the opening is
written by `poll_open` and the ballots plus the closing by `poll_close`, both of which already
hold the poll's row lock. At the close the ballots are sealed in the order of their receipt
hashes (random), which also keeps a secret ballot's place in the ledger from hinting at when it
was cast, and so at who cast it. Until the close, the unique `VoteRecord` per CAE and the live
tally (seq = ballots counted) are the checks; after it, `verify_poll` recomputes everything.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from fractions import Fraction

from assemblies import tallying
from assemblies.models import Ballot, LedgerEntry, Poll, VoteRecord

GENESIS = "0" * 64


def fraction_text(value) -> str:
    return f"{value.numerator}/{value.denominator}"


def entry_hash(previous_hash: str, poll_id: int, index: int, kind: str, payload: dict) -> str:
    canonical = json.dumps(
        [previous_hash, poll_id, index, kind, payload],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _append(poll: Poll, entries: list[tuple[str, dict]]) -> list[LedgerEntry]:
    """Append entries; the caller holds the poll's row lock (see the module docstring)."""
    last = poll.ledger.order_by("-index").first()
    index = last.index + 1 if last else 0
    previous = last.hash if last else GENESIS
    rows = []
    for kind, payload in entries:
        digest = entry_hash(previous, poll.pk, index, kind, payload)
        rows.append(
            LedgerEntry(
                poll=poll,
                index=index,
                kind=kind,
                payload=payload,
                previous_hash=previous,
                hash=digest,
            )
        )
        previous, index = digest, index + 1
    return LedgerEntry.objects.bulk_create(rows)


def ballot_payload(ballot: Ballot) -> dict:
    payload = {
        "receipt_hash": ballot.receipt_hash,
        "choice": ballot.choice,
        "weight": fraction_text(ballot.weight),
    }
    if ballot.organisation_id is not None:
        payload["organisation"] = ballot.organisation_id
    return payload


def record_opening(poll: Poll, *, option_ids: list[int], entitlements: list) -> None:
    _append(
        poll,
        [
            (
                LedgerEntry.Kind.OPENED,
                {
                    "title": poll.title,
                    "method": poll.method,
                    "options": option_ids,
                    "max_choices": poll.max_choices,
                    "threshold": poll.threshold,
                    "abstentions_count": poll.abstentions_count,
                    "secret": poll.secret,
                    "total_weight": fraction_text(poll.total_weight),
                    "weight_present": fraction_text(poll.weight_present),
                    "opened_at": poll.opened_at.isoformat(),
                    "entitlements": [
                        [e.organisation_id, fraction_text(e.weight)] for e in entitlements
                    ],
                },
            )
        ],
    )


def record_closing(poll: Poll, *, option_ids: list[int], totals: dict) -> None:
    ballots = list(poll.ballots.order_by("receipt_hash"))
    entries = [(LedgerEntry.Kind.BALLOT, ballot_payload(b)) for b in ballots]
    entries.append(
        (
            LedgerEntry.Kind.CLOSED,
            {
                "closed_at": poll.closed_at.isoformat(),
                "ballots": len(ballots),
                "totals": totals,
            },
        )
    )
    _append(poll, entries)


@dataclass
class Verification:
    poll_id: int
    entries: int = 0
    problems: list[str] = field(default_factory=list)
    last_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(poll: Poll) -> Verification:
    """Check the chain, then recompute the tally from the ledger and from the ballots."""
    report = Verification(poll_id=poll.pk)
    entries = list(poll.ledger.order_by("index"))
    report.entries = len(entries)
    previous = GENESIS
    for position, entry in enumerate(entries):
        if entry.index != position:
            report.problems.append(f"entry #{position}: index {entry.index}, expected {position}")
            break
        if entry.previous_hash != previous:
            report.problems.append(f"entry #{entry.index}: previous hash does not match")
            break
        if entry_hash(previous, poll.pk, entry.index, entry.kind, entry.payload) != entry.hash:
            report.problems.append(f"entry #{entry.index} ({entry.kind}): content was altered")
            break
        previous = entry.hash
    report.last_hash = previous
    if report.problems:
        return report

    if not entries or entries[0].kind != LedgerEntry.Kind.OPENED:
        if poll.status != Poll.Status.DRAFT:
            report.problems.append("the ledger has no opening entry")
        return report
    opening = entries[0].payload
    option_ids = opening["options"]
    ledger_ballots = {
        e.payload["receipt_hash"]: e.payload for e in entries if e.kind == LedgerEntry.Kind.BALLOT
    }
    rows = {b.receipt_hash: b for b in poll.ballots.all()}
    records = VoteRecord.objects.filter(poll=poll).count()
    if len(rows) != records:
        report.problems.append(f"{len(rows)} ballots for {records} vote records")

    closing = next((e for e in entries if e.kind == LedgerEntry.Kind.CLOSED), None)
    if closing is None:
        return report  # still open: ballots are sealed at the close
    for receipt_hash, payload in ledger_ballots.items():
        row = rows.get(receipt_hash)
        if row is None:
            report.problems.append(f"ballot {receipt_hash[:12]}: in the ledger, not in the table")
        elif ballot_payload(row) != payload:
            index = next(e.index for e in entries if e.payload is payload)
            report.problems.append(
                f"ballot {receipt_hash[:12]}: the table differs from ledger entry #{index}"
            )
    for receipt_hash in rows.keys() - ledger_ballots.keys():
        report.problems.append(f"ballot {receipt_hash[:12]}: in the table, not in the ledger")

    def recount(ballots):
        return tallying.totals(
            opening["method"],
            option_ids,
            ballots,
            **({"max_choices": opening["max_choices"]} if opening["method"] == "approval" else {}),
        )

    from_ledger = recount((Fraction(p["weight"]), p["choice"]) for p in ledger_ballots.values())
    if from_ledger != closing.payload["totals"]:
        report.problems.append("the tally recomputed from the ledger differs from the closing")
    from_table = recount((b.weight, b.choice) for b in rows.values())
    if from_table != closing.payload["totals"]:
        report.problems.append("the tally recomputed from the ballots differs from the closing")
    return report
