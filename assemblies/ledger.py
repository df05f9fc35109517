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
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

from alliance.errors import InvalidInput
from assemblies import tallying
from assemblies.models import Ballot, LedgerEntry, Poll, VoteRecord

GENESIS = "0" * 64


def fraction_text(value) -> str | None:
    return None if value is None else f"{value.numerator}/{value.denominator}"


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


def _decimal_text(value) -> str | None:
    return None if value is None else str(value)


def opening_rules(poll: Poll) -> dict:
    """Everything the count and the outcome of a poll depend on, as the opening entry records
    it; `verify` compares it with the poll's current rows (see `_rule_problems`)."""
    options = list(poll.options.all())
    assembly = poll.assembly
    return {
        "title": poll.title,
        "method": poll.method,
        "options": [o.pk for o in options],
        "option_labels": [o.label for o in options],
        "max_choices": poll.max_choices,
        "threshold": poll.threshold,
        "abstentions_count": poll.abstentions_count,
        "secret": poll.secret,
        "total_weight": fraction_text(poll.total_weight),
        "weight_present": fraction_text(poll.weight_present),
        "weight_rule": assembly.weight_rule,
        "cap_share": _decimal_text(assembly.cap_share),
        "quorum_share": _decimal_text(assembly.quorum_share),
        "opened_at": poll.opened_at.isoformat(),
    }


def record_opening(poll: Poll, *, entitlements: list) -> None:
    """The opening entry: the poll's rules (`opening_rules`) and every entitled CAE's weight."""
    payload = opening_rules(poll)
    payload["entitlements"] = [
        [e.organisation_id, fraction_text(e.weight)]
        for e in sorted(entitlements, key=lambda e: e.organisation_id)
    ]
    _append(poll, [(LedgerEntry.Kind.OPENED, payload)])


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
    # What could not be checked but is no failure: rules an older opening entry did not record.
    notes: list[str] = field(default_factory=list)
    last_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(poll: Poll, *, head: str | None = None) -> Verification:
    """Check the chain, the poll's rules, options and weights against the opening entry, every
    ballot against its sealed entry, then recompute the tally from the ledger and from the
    ballots. With `head` (a published last hash), also check that the chain ends there: a
    chain rewritten consistently from the start passes every other check, not that one.

    Every difference, and every malformed row, is a line of `problems` (with the entry's
    index where there is one): never an exception."""
    report = Verification(poll_id=poll.pk)
    entries = list(poll.ledger.order_by("index"))
    report.entries = len(entries)
    _check_chain(poll, entries, report)
    if head is not None:
        stored = entries[-1].hash if entries else GENESIS
        if head.strip().lower() != stored:
            report.problems.append(
                f"the ledger ends with {stored}, not with the published head {head.strip()}"
            )
    if report.problems:
        return report
    try:
        _check_contents(poll, entries, report)
    except Exception as error:  # a row of a shape nobody foresaw is a problem too
        report.problems.append(
            f"the ledger could not be read to the end ({type(error).__name__}: {error})"
        )
    return report


def _check_chain(poll: Poll, entries: list[LedgerEntry], report: Verification) -> None:
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


def _fraction(value) -> Fraction | None:
    """A weight written "n/d" (or a decimal), or None when the text is not one."""
    if not isinstance(value, str):
        return None
    try:
        return Fraction(value)
    except (ValueError, ZeroDivisionError):
        return None


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# The keys the count needs, and their JSON types: an opening entry without them cannot be used.
OPENING_SHAPE = {
    "method": str,
    "options": list,
    "max_choices": (int, type(None)),
    "threshold": str,
    "abstentions_count": bool,
    "secret": bool,
    "total_weight": str,
    "weight_present": str,
    "entitlements": list,
}


def _of_type(value, kind) -> bool:
    """isinstance, where a boolean is no number (JSON tells them apart, Python does not)."""
    return isinstance(value, kind) and (kind is bool or not isinstance(value, bool))


def _opening_problems(opening) -> list[str]:
    if not isinstance(opening, dict):
        return ["the payload is not an object"]
    problems = [
        f"{key} is missing or not of the expected type"
        for key, kind in OPENING_SHAPE.items()
        if not _of_type(opening.get(key), kind)
    ]
    if problems:
        return problems
    if opening["method"] not in Poll.Method.values:
        problems.append(f"unknown method {opening['method']!r}")
    if not all(_is_int(o) for o in opening["options"]):
        problems.append("an option id is not a number")
    for item in opening["entitlements"]:
        if not (
            isinstance(item, list)
            and len(item) == 2
            and _is_int(item[0])
            and _fraction(item[1]) is not None
        ):
            problems.append(f"entitlement {item!r} is not [CAE id, weight]")
    for key in ("total_weight", "weight_present"):
        if _fraction(opening[key]) is None:
            problems.append(f"{key} {opening[key]!r} is not a weight")
    return problems


def _same(key: str, now, then) -> bool:
    if key in ("cap_share", "quorum_share") and now is not None and then is not None:
        return _fraction(str(now)) == _fraction(str(then))
    if key == "opened_at" and isinstance(then, str):
        try:
            return datetime.fromisoformat(now) == datetime.fromisoformat(then)
        except ValueError:
            return False
    return now == then


def _rule_problems(poll: Poll, opening: dict, report: Verification) -> None:
    """The poll's rules and options now, against the opening entry, key by key."""
    for key, now in opening_rules(poll).items():
        if key not in opening:
            report.notes.append(f"rule {key}: not recorded in the opening entry (older entry)")
        elif not _same(key, now, opening[key]):
            report.problems.append(
                f"rule {key}: {now!r} now, {opening[key]!r} in the opening entry #0"
            )
    recorded = {org: _fraction(weight) for org, weight in opening["entitlements"]}
    if len(recorded) != len(opening["entitlements"]):
        report.problems.append("entry #0 (opened): a CAE is entitled twice")
    present = sum(recorded.values(), Fraction(0))
    if present != _fraction(opening["weight_present"]):
        report.problems.append(
            f"entry #0 (opened): the entitled weights add up to {fraction_text(present)}, "
            f"not to weight_present {opening['weight_present']}"
        )
    try:
        table = dict(poll.entitlements.values_list("organisation_id", "weight"))
    except (ValueError, ZeroDivisionError, TypeError):
        report.problems.append("the entitlements table holds a weight that is not a number")
        return
    for org in sorted(recorded.keys() | table.keys()):
        if org not in table:
            report.problems.append(f"entitlement of CAE {org}: in the ledger, not in the table")
        elif org not in recorded:
            report.problems.append(f"entitlement of CAE {org}: in the table, not in the ledger")
        elif table[org] != recorded[org]:
            report.problems.append(
                f"entitlement of CAE {org}: weight {fraction_text(table[org])} now, "
                f"{fraction_text(recorded[org])} in the opening entry #0"
            )


def _ballot_problems(entry: LedgerEntry, opening: dict, weights: dict) -> list[str]:
    payload = entry.payload
    where = f"entry #{entry.index} (ballot)"
    if not isinstance(payload, dict):
        return [f"{where}: the payload is not an object"]
    problems = []
    if not isinstance(payload.get("receipt_hash"), str):
        problems.append(f"{where}: receipt_hash is missing or not a text")
    weight = _fraction(payload.get("weight"))
    if weight is None or weight <= 0:
        problems.append(f"{where}: weight {payload.get('weight')!r} is not a positive weight")
    if "choice" not in payload:
        problems.append(f"{where}: choice is missing")
    else:
        try:
            tallying.validate_choice(
                opening["method"],
                opening["options"],
                payload["choice"],
                max_choices=opening["max_choices"],
            )
        except InvalidInput as error:
            reason = (error.details or {}).get("reason", error.code)
            problems.append(f"{where}: choice {payload['choice']!r} is not valid ({reason})")
    organisation = payload.get("organisation")
    if opening["secret"] and organisation is not None:
        problems.append(f"{where}: a ballot of a secret poll names its CAE")
    elif not opening["secret"]:
        if organisation not in weights:
            problems.append(f"{where}: CAE {organisation!r} is not entitled in entry #0")
        elif weight is not None and weight != weights[organisation]:
            problems.append(
                f"{where}: weight {payload['weight']}, CAE {organisation} was entitled to "
                f"{fraction_text(weights[organisation])} in entry #0"
            )
    return problems


def _check_contents(poll: Poll, entries: list[LedgerEntry], report: Verification) -> None:
    if not entries or entries[0].kind != LedgerEntry.Kind.OPENED:
        if entries or poll.status != Poll.Status.DRAFT:
            report.problems.append("the ledger has no opening entry")
        return
    opening = entries[0].payload
    shape = _opening_problems(opening)
    if shape:
        report.problems += [f"entry #0 (opened): {problem}" for problem in shape]
        return
    _rule_problems(poll, opening, report)

    option_ids = opening["options"]
    weights = {org: _fraction(weight) for org, weight in opening["entitlements"]}
    ballot_entries, closing = [], None
    for entry in entries[1:]:
        where = f"entry #{entry.index} ({entry.kind})"
        if closing is not None:
            report.problems.append(f"{where}: after the closing entry #{closing.index}")
        elif entry.kind == LedgerEntry.Kind.BALLOT:
            ballot_entries.append(entry)
        elif entry.kind == LedgerEntry.Kind.CLOSED:
            closing = entry
        else:
            report.problems.append(f"{where}: not where an entry of this kind belongs")
    malformed = False
    for entry in ballot_entries:
        problems = _ballot_problems(entry, opening, weights)
        report.problems += problems
        malformed = malformed or bool(problems)
    if not opening["secret"]:
        seen: dict = {}
        for entry in ballot_entries:
            org = entry.payload.get("organisation") if isinstance(entry.payload, dict) else None
            if org in seen:
                report.problems.append(
                    f"entry #{entry.index} (ballot): a second ballot of CAE {org} "
                    f"(first: entry #{seen[org]})"
                )
            seen.setdefault(org, entry.index)
    elif not malformed:
        cast = Counter(Fraction(e.payload["weight"]) for e in ballot_entries)
        entitled = Counter(weights.values())
        for weight, count in sorted(cast.items()):
            if count > entitled[weight]:
                report.problems.append(
                    f"{count} ballots of weight {fraction_text(weight)} in the ledger, "
                    f"{entitled[weight]} CAE entitled to it in entry #0"
                )
    if malformed:
        return

    ledger_ballots: dict[str, LedgerEntry] = {}
    for entry in ballot_entries:
        receipt_hash = entry.payload["receipt_hash"]
        if receipt_hash in ledger_ballots:
            report.problems.append(
                f"entry #{entry.index} (ballot): receipt {receipt_hash[:12]} sealed twice "
                f"(first: entry #{ledger_ballots[receipt_hash].index})"
            )
        ledger_ballots.setdefault(receipt_hash, entry)
    try:
        rows = {b.receipt_hash: b for b in poll.ballots.all()}
    except (ValueError, ZeroDivisionError, TypeError):
        report.problems.append("the ballots table holds a weight that is not a number")
        return
    records = VoteRecord.objects.filter(poll=poll).count()
    if len(rows) != records:
        report.problems.append(f"{len(rows)} ballots for {records} vote records")

    if closing is None:
        if poll.status in (Poll.Status.CLOSED, Poll.Status.PUBLISHED):
            report.problems.append(f"the poll is {poll.status} but the ledger has no closing")
        return  # still open: ballots are sealed at the close
    if poll.status not in (Poll.Status.CLOSED, Poll.Status.PUBLISHED):
        report.problems.append(f"the ledger is closed but the poll is {poll.status}")
    closed = closing.payload
    where = f"entry #{closing.index} (closed)"
    if not isinstance(closed, dict) or not isinstance(closed.get("totals"), dict):
        report.problems.append(f"{where}: totals are missing or not an object")
        return
    if closed.get("ballots") != len(ballot_entries):
        report.problems.append(
            f"{where}: says {closed.get('ballots')!r} ballots, the ledger seals {len(ballot_entries)}"
        )
    for receipt_hash, entry in ledger_ballots.items():
        row = rows.get(receipt_hash)
        if row is None:
            report.problems.append(f"ballot {receipt_hash[:12]}: in the ledger, not in the table")
        elif ballot_payload(row) != entry.payload:
            report.problems.append(
                f"ballot {receipt_hash[:12]}: the table differs from ledger entry #{entry.index}"
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

    from_ledger = recount(
        (Fraction(e.payload["weight"]), e.payload["choice"]) for e in ledger_ballots.values()
    )
    if from_ledger != closed["totals"]:
        report.problems.append("the tally recomputed from the ledger differs from the closing")
    unreadable = []
    for row in rows.values():
        try:
            tallying.validate_choice(
                opening["method"], option_ids, row.choice, max_choices=opening["max_choices"]
            )
        except InvalidInput:
            unreadable.append(row.receipt_hash)
    if unreadable:
        report.problems += [
            f"ballot {h[:12]}: the table holds a choice that is not valid" for h in unreadable
        ]
        return
    from_table = recount((b.weight, b.choice) for b in rows.values())
    if from_table != closed["totals"]:
        report.problems.append("the tally recomputed from the ballots differs from the closing")
