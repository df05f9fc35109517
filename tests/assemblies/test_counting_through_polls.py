"""Each counting method end to end: ballots cast through the service, tallied from the table."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from alliance.errors import InvalidInput
from assemblies import selectors, services
from assemblies.models import Ballot, LedgerEntry
from tests.assemblies.factories import AssemblyFactory, cast, open_poll, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def assembly():
    return AssemblyFactory()


def ids(poll):
    return [o.pk for o in poll.options.all()]


def closed_result(poll, secretariat):
    services.poll_close(actor=secretariat, poll=poll)
    return selectors.poll_result(poll)


@pytest.mark.parametrize(
    ("threshold", "abstentions_count", "choices", "adopted"),
    [
        ("simple", False, ["yes", "yes", "no", "abstain", "abstain"], True),
        ("simple", True, ["yes", "yes", "no", "abstain", "abstain"], False),
        ("two_thirds", False, ["yes", "yes", "no", "abstain", "abstain"], True),
        ("two_thirds", False, ["yes", "no", "no", "yes", "abstain"], False),
        ("absolute", False, ["yes", "yes", "no", "abstain", "abstain"], False),
        ("absolute", False, ["yes", "yes", "yes", "no", "abstain"], True),
    ],
)
def test_motion_thresholds(assembly, secretariat, threshold, abstentions_count, choices, adopted):
    delegates = seat(assembly, 5)
    poll = open_poll(assembly, threshold=threshold, abstentions_count=abstentions_count)
    for delegate, choice in zip(delegates, choices, strict=True):
        cast(poll, delegate, choice)
    assert closed_result(poll, secretariat)["outcome"]["adopted"] is adopted


def test_single_choice_with_a_blank_ballot(assembly, secretariat):
    delegates = seat(assembly, 3)
    poll = open_poll(assembly, method="single", options=["Informel", "Fédération"])
    a, b = ids(poll)
    cast(poll, delegates[0], b)
    cast(poll, delegates[1], str(b))
    cast(poll, delegates[2], None)
    assert selectors.poll_tally(poll)["totals"] == {str(a): "0.00", str(b): "2.00", "blank": "1.00"}
    assert closed_result(poll, secretariat)["outcome"]["winners"] == [b]


def test_approval_at_most_k(assembly, secretariat):
    delegates = seat(assembly, 2)
    poll = open_poll(assembly, method="approval", options=["A", "B", "C"], max_choices=2)
    a, b, c = ids(poll)
    with pytest.raises(InvalidInput) as error:
        cast(poll, delegates[0], [a, b, c])
    assert error.value.details["reason"] == "too_many_choices"
    with pytest.raises(InvalidInput):
        cast(poll, delegates[0], [a, a])
    cast(poll, delegates[0], [a, b])
    cast(poll, delegates[1], [b])
    result = closed_result(poll, secretariat)
    assert result["tally"]["totals"][str(b)] == "2.00"
    assert result["outcome"]["winners"] == [b]


def test_majority_judgment_with_the_gauge(assembly, secretariat):
    delegates = seat(assembly, 3)
    poll = open_poll(assembly, method="judgment", options=["Informel", "Inter-réseaux", "CGSCOP"])
    informal, inter, federation = ids(poll)
    grades = [
        {informal: "defavorable", inter: "favorable", federation: "favorable"},
        {informal: "plutot_favorable", inter: "plutot_favorable", federation: "tres_favorable"},
        {informal: "favorable", inter: "favorable", federation: "favorable"},
    ]
    with pytest.raises(InvalidInput) as error:
        cast(poll, delegates[0], {informal: "favorable"})
    assert error.value.details["reason"] == "missing_grade"
    with pytest.raises(InvalidInput):
        cast(poll, delegates[0], {informal: "bof", inter: "favorable", federation: "favorable"})
    for delegate, ballot in zip(delegates, grades, strict=True):
        cast(poll, delegate, ballot)
    outcome = closed_result(poll, secretariat)["outcome"]
    # Inter-réseaux and CGSCOP both have "favorable" as median; CGSCOP's gauge is "+" (p > q).
    assert outcome["winners"] == [federation]
    assert [e["option"] for e in outcome["ranking"]] == [federation, inter, informal]


def test_ranking_borda_and_a_schulze_cycle(assembly, secretariat):
    delegates = seat(assembly, 5)
    poll = open_poll(assembly, method="ranking", options=["A", "B", "C"])
    a, b, c = ids(poll)
    rankings = [[a, b, c], [a, b, c], [b, c, a], [b, c, a], [c, a, b]]
    for delegate, ranking in zip(delegates, rankings, strict=True):
        cast(poll, delegate, ranking)
    result = closed_result(poll, secretariat)
    outcome = result["outcome"]
    # A>B 3:2, B>C 4:1, C>A 3:2: a cycle; strongest paths tie A and B, B beats C.
    assert outcome["pairwise"][str(a)][str(b)] == "3.00"
    assert outcome["pairwise"][str(b)][str(c)] == "4.00"
    assert outcome["winners"] == [a, b]
    assert outcome["condorcet_winner"] is None
    assert result["tally"]["totals"] == {str(a): "5.00", str(b): "6.00", str(c): "4.00"}


def test_ranking_accepts_ties_and_rejects_duplicates(assembly):
    (delegate,) = seat(assembly, 1)
    poll = open_poll(assembly, method="ranking", options=["A", "B", "C"])
    a, b, c = ids(poll)
    with pytest.raises(InvalidInput):
        cast(poll, delegate, [a, a])
    cast(poll, delegate, [[a, b], c])


def test_verify_poll_passes_then_detects_an_edited_ballot(assembly, secretariat, capsys):
    delegates = seat(assembly, 3)
    poll = open_poll(assembly, secret=True)
    for delegate, choice in zip(delegates, ["yes", "no", "no"], strict=True):
        cast(poll, delegate, choice)
    services.poll_close(actor=secretariat, poll=poll)
    call_command("verify_poll", poll.pk)
    assert "intègre" in capsys.readouterr().out
    ballot = Ballot.objects.filter(poll=poll, choice="no").first()
    Ballot.objects.filter(pk=ballot.pk).update(choice="yes")
    with pytest.raises(CommandError):
        call_command("verify_poll", poll.pk)
    err = capsys.readouterr().err
    assert f"ballot {ballot.receipt_hash[:12]}" in err
    assert "recomputed from the ballots differs" in err


def test_verify_poll_says_where_the_chain_breaks(assembly, secretariat, capsys):
    delegates = seat(assembly, 2)
    poll = open_poll(assembly)
    cast(poll, delegates[0], "yes")
    cast(poll, delegates[1], "no")
    services.poll_close(actor=secretariat, poll=poll)
    entry = LedgerEntry.objects.get(poll=poll, index=2)
    edit = LedgerEntry.objects.filter(pk=entry.pk)
    if connection.vendor == "postgresql":  # the database itself refuses; a DBA could bypass it
        with pytest.raises(IntegrityError), transaction.atomic():
            edit.update(payload={**entry.payload, "weight": "5/1"})
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE assemblies_ledgerentry DISABLE TRIGGER USER")
    edit.update(payload={**entry.payload, "weight": "5/1"})
    with pytest.raises(CommandError):
        call_command("verify_poll", poll.pk)
    assert "entry #2 (ballot): content was altered" in capsys.readouterr().err


def test_verify_poll_rejects_an_unknown_poll():
    with pytest.raises(CommandError):
        call_command("verify_poll", 999999)


@pytest.mark.parametrize("method", ["single", "judgment", "ranking"])
def test_a_poll_closed_without_ballots_has_no_winner_in_words(assembly, secretariat, method):
    from assemblies import minutes

    seat(assembly, 1)
    poll = open_poll(assembly, method=method, options=["A", "B"])
    result = closed_result(poll, secretariat)
    assert minutes.outcome_text(poll, result) == "aucun bulletin"
