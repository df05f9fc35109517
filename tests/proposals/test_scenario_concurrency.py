"""Contested writes, with real threads and PostgreSQL row locks."""

import threading

import pytest
from django.db import connection

from alliance.errors import AllianceError
from proposals.models import NoteKind
from proposals.scenarios import services
from tests.factories import SteeringCommitteeFactory, UserFactory
from tests.proposals.factories import make_proposal

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    """Run the calls in threads released at the same moment; return their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except AllianceError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def test_two_acceptances_on_one_paragraph_leave_one_version_and_one_conflict():
    steering, other_steering = SteeringCommitteeFactory(), SteeringCommitteeFactory()
    member = UserFactory()
    proposal = make_proposal(actor=steering)
    first, second = (
        services.amendment_create(
            actor=member, proposal=proposal, paragraph_index=1, replacement_text=t, rationale="r"
        )
        for t in ("Version A.", "Version B.")
    )
    outcomes = run_together(
        lambda: services.amendment_accept(actor=steering, amendment=first),
        lambda: services.amendment_accept(actor=other_steering, amendment=second),
    )
    assert outcomes == ["amendment_outdated", "ok"]
    proposal.refresh_from_db()
    assert proposal.current_version == 2
    assert list(proposal.versions.values_list("number", flat=True)) == [1, 2]


def test_two_colleagues_endorsing_at_once_count_once():
    member = UserFactory()
    colleague = UserFactory(organisation=member.organisation)
    proposal = make_proposal()
    note = services.workshop_note_create(
        actor=member, proposal=proposal, kind=NoteKind.LEVER, text="x"
    )
    outcomes = run_together(
        lambda: services.note_endorse(actor=member, note=note),
        lambda: services.note_endorse(actor=colleague, note=note),
    )
    assert outcomes == ["ok", "ok"]
    assert note.endorsements.count() == 1
