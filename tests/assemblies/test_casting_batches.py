"""Many ballots cast in one transaction (`casting.ballots_cast`): each request gets its own
answer, a refused one writes nothing and stops nothing, and the statements do not grow with
the batch."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.errors import AllianceError
from assemblies import selectors, services
from assemblies.casting import BallotRequest, CastResult, ballots_cast
from assemblies.models import Ballot, VoteRecord
from tests.assemblies.factories import AssemblyFactory, cast, open_poll, seat

pytestmark = pytest.mark.django_db


def request(poll, delegate, choice="yes", **kwargs):
    return BallotRequest(poll.pk, delegate.organisation_id, delegate, choice, **kwargs)


def codes(outcomes):
    return [o.code if isinstance(o, AllianceError) else "ok" for o in outcomes]


def test_each_request_of_a_batch_gets_its_own_answer(secretariat):
    assembly, elsewhere = AssemblyFactory(), AssemblyFactory(quorum_share=0)
    alice, bob, carol, dan = seat(assembly, 4, teller=secretariat)
    poll = open_poll(assembly, teller=secretariat)
    seat(elsewhere, 1, teller=secretariat)
    foreign = open_poll(elsewhere, teller=secretariat)
    cast(poll, dan, "no")  # in an earlier transaction
    outcomes = ballots_cast(
        [
            request(poll, alice, request_id="a"),
            request(poll, alice, "no"),  # the same CAE again in the batch
            BallotRequest(poll.pk, carol.organisation_id, bob, "yes"),  # not bob's CAE
            request(poll, carol, "maybe"),
            request(foreign, bob, assembly=assembly.pk),  # a poll of another assembly
            BallotRequest("x", bob.organisation_id, bob, "yes"),
            request(poll, dan),
            BallotRequest(poll.pk, carol.organisation_id, secretariat, "no", paper=True),
            request(poll, bob, "abstain"),
        ]
    )
    assert codes(outcomes) == [
        "ok",
        "already_voted",
        "not_entitled",
        "invalid_choice",
        "poll_not_found",
        "invalid_id",
        "already_voted",
        "ok",
        "ok",
    ]
    first, paper, last = outcomes[0], outcomes[7], outcomes[8]
    assert isinstance(first, CastResult) and first.request_id == "a" and not first.paper
    assert paper.paper and paper.organisation == carol.organisation_id
    assert {first.seq, paper.seq, last.seq} == {4}  # dan's ballot and this batch's three
    assert len({first.receipt, paper.receipt, last.receipt}) == 3
    assert Ballot.objects.filter(poll=poll).count() == 4
    choices = dict(VoteRecord.objects.filter(poll=poll).values_list("organisation", "paper"))
    assert choices == {
        dan.organisation_id: False,
        alice.organisation_id: False,
        carol.organisation_id: True,
        bob.organisation_id: False,
    }
    assert selectors.poll_tally(poll)["ballots"] == 4


def test_a_batch_costs_the_same_statements_as_one_ballot(secretariat):
    assembly = AssemblyFactory()
    delegates = seat(assembly, 21, teller=secretariat)
    poll = open_poll(assembly, teller=secretariat)
    with CaptureQueriesContext(connection) as one:
        (single,) = ballots_cast([request(poll, delegates[0])])
    with CaptureQueriesContext(connection) as twenty:
        outcomes = ballots_cast([request(poll, d) for d in delegates[1:]])
    assert single.seq == 1 and codes(outcomes) == ["ok"] * 20
    assert {o.seq for o in outcomes} == {21}
    assert len(twenty) == len(one) <= 11


def test_a_batch_refused_whole_writes_nothing(secretariat):
    assembly = AssemblyFactory()
    alice, bob = seat(assembly, 2, teller=secretariat)
    poll = open_poll(assembly, teller=secretariat)
    services.poll_close(actor=secretariat, poll=poll)
    assert codes(ballots_cast([request(poll, alice), request(poll, bob)])) == ["poll_closed"] * 2
    assert not VoteRecord.objects.filter(poll=poll).exists()
