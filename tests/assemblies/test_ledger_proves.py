"""verify_poll as an auditor runs it, against an administrator who edits the database."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from assemblies import ledger, services
from assemblies.models import LedgerEntry, Poll, PollOption
from tests.assemblies.factories import AssemblyFactory, cast, open_poll, seat

pytestmark = pytest.mark.django_db


def admin_may_edit_the_ledger():
    if connection.vendor == "postgresql":  # a DBA disables the append-only trigger
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE assemblies_ledgerentry DISABLE TRIGGER USER")


def verify(capsys, *args):
    try:
        call_command("verify_poll", *[str(a) for a in args])
    except CommandError:
        return False, capsys.readouterr().err
    return True, capsys.readouterr().out


def motion(secretariat, **rules):
    assembly = AssemblyFactory()
    delegates = seat(assembly, 5)
    poll = open_poll(assembly, **rules)
    for delegate, choice in zip(delegates, ["yes", "yes", "yes", "no", "no"], strict=True):
        cast(poll, delegate, choice)
    services.poll_close(actor=secretariat, poll=poll)
    return poll


def test_changing_the_majority_rule_after_the_close_fails_naming_it(secretariat, capsys):
    poll = motion(secretariat, threshold="simple")
    assert verify(capsys, poll.pk)[0]
    Poll.objects.filter(pk=poll.pk).update(threshold="two_thirds")  # 3/5 no longer adopts
    ok, err = verify(capsys, poll.pk)
    assert not ok and "rule threshold" in err


def test_changing_an_option_label_fails(secretariat, capsys):
    assembly = AssemblyFactory()
    (delegate,) = seat(assembly, 1)
    poll = open_poll(assembly, method="single", options=["Informel", "Fédération"])
    cast(poll, delegate, poll.options.first().pk)
    services.poll_close(actor=secretariat, poll=poll)
    PollOption.objects.filter(poll=poll, position=1).update(label="Fusion")
    ok, err = verify(capsys, poll.pk)
    assert not ok and "rule option_labels" in err


def test_changing_a_weight_fails(secretariat, capsys):
    poll = motion(secretariat)
    poll.entitlements.filter(pk=poll.entitlements.first().pk).update(weight="5/1")
    ok, err = verify(capsys, poll.pk)
    assert not ok and "entitlement of CAE" in err


def rewrite(poll, change):
    """Rewrite the chain from the start, every hash recomputed: consistent, but new."""
    admin_may_edit_the_ledger()
    previous = ledger.GENESIS
    for entry in LedgerEntry.objects.filter(poll=poll).order_by("index"):
        payload = change(entry)
        digest = ledger.entry_hash(previous, poll.pk, entry.index, entry.kind, payload)
        LedgerEntry.objects.filter(pk=entry.pk).update(
            payload=payload, previous_hash=previous, hash=digest
        )
        previous = digest


def test_a_malformed_ballot_row_is_reported_with_its_index_not_a_traceback(secretariat, capsys):
    poll = motion(secretariat)

    def break_a_ballot(entry):
        if entry.index == 1:
            return {**entry.payload, "choice": {"not": "a motion choice"}}
        return entry.payload

    rewrite(poll, break_a_ballot)
    ok, err = verify(capsys, poll.pk)
    assert not ok and "entry #1 (ballot): choice" in err


def test_a_chain_rewritten_from_the_start_fails_against_the_published_head(
    secretariat, api_as, capsys
):
    poll = motion(secretariat)
    head = api_as(secretariat).get(f"/api/polls/{poll.pk}/results/").json()["ledger_head"]
    rewrite(
        poll,
        lambda entry: (
            {**entry.payload, "title": "Autre question"}
            if entry.kind == "opened"
            else entry.payload
        ),
    )
    Poll.objects.filter(pk=poll.pk).update(title="Autre question")
    assert verify(capsys, poll.pk)[0]  # consistent from the start: the chain alone passes
    ok, err = verify(capsys, poll.pk, "--head", head)
    assert not ok and f"not with the published head {head}" in err
