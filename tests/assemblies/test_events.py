"""Events leave after the commit, to the assembly's group, with JSON-ready payloads."""

import json

import pytest

from alliance import events
from alliance.errors import Conflict
from assemblies import services, tally_publisher
from tests.assemblies.factories import AssemblyFactory, cast, seat
from tests.factories import DelegateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listen(monkeypatch):
    """`listen(assembly)` records what is sent to its group; returns a function giving (and
    forgetting) the messages sent so far. The transport itself is the channel layer's."""
    sent = []

    def record(group, message):
        sent.append((group, message))

    monkeypatch.setattr(events, "group_send_now", record)
    # Ballots only tell the tally publisher (which may coalesce); record that call.
    monkeypatch.setattr(
        tally_publisher, "ballot_committed", lambda poll_id: record("publisher", poll_id)
    )

    def join(assembly):
        def received():
            messages = [m for g, m in sent if g in (f"assembly-{assembly.pk}", "publisher")]
            sent.clear()
            return messages

        return received

    return join


def test_attendance_poll_and_tally_events(listen, secretariat, django_capture_on_commit_callbacks):
    assembly = AssemblyFactory()
    received = listen(assembly)
    with django_capture_on_commit_callbacks(execute=True):
        (alice,) = seat(assembly, 1, teller=secretariat)
    bob = DelegateFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_check_in(actor=bob, assembly=assembly, organisation=bob.organisation)
    attendance = [m for m in received() if m["type"] == "attendance"]
    assert [m["present"] for m in attendance] == [1, 2]
    assert attendance[-1]["quorum_reached"] is True and attendance[-1]["total_weight"] == "2.00"

    with django_capture_on_commit_callbacks(execute=True):
        poll = services.poll_create(
            actor=secretariat, assembly=assembly, title="?", method="motion", threshold="simple"
        )
        services.poll_open(actor=secretariat, poll=poll)
    (opened,) = received()
    assert opened["type"] == "poll.opened" and opened["poll"]["id"] == poll.pk
    assert opened["entitled"] == 2 and opened["poll"]["tally"]["seq"] == 0

    with django_capture_on_commit_callbacks() as callbacks:
        cast(poll, alice, "yes")
        assert received() == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert received() == [poll.pk]

    with django_capture_on_commit_callbacks(execute=True):
        services.poll_close(actor=secretariat, poll=poll)
        services.poll_publish(actor=secretariat, poll=poll)
    closed, published = received()
    assert closed["type"] == "poll.closed" and closed["tally"]["seq"] == 1
    assert published["type"] == "poll.result"
    assert published["result"]["outcome"]["adopted"] is True
    json.dumps([attendance, opened, closed, published])  # JSON-ready, Decimals as text


def test_no_event_leaves_when_the_write_fails(
    listen, secretariat, django_capture_on_commit_callbacks
):
    assembly = AssemblyFactory()
    received = listen(assembly)
    delegate = DelegateFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_check_in(
            actor=delegate, assembly=assembly, organisation=delegate.organisation
        )
    received()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Conflict):
        services.attendance_check_in(
            actor=delegate, assembly=assembly, organisation=delegate.organisation
        )
    assert received() == []


def test_the_uncoalesced_publisher_sends_the_full_snapshot(monkeypatch, secretariat):
    """The simple `ballot_committed`: the tally snapshot of the committed ballots, to the group."""
    from tests.assemblies.factories import open_poll

    sent = []
    monkeypatch.setattr(tally_publisher, "group_send_now", lambda g, m: sent.append((g, m)))
    assembly = AssemblyFactory()
    (alice,) = seat(assembly, 1, teller=secretariat)
    poll = open_poll(assembly, teller=secretariat)
    result = cast(poll, alice, "no")
    tally_publisher.ballot_committed(poll.pk)
    assert sent == [
        (
            f"assembly-{assembly.pk}-tallies",  # the relays of assemblies.fanout
            {
                "type": "tally",
                "poll": poll.pk,
                "seq": result.seq,
                "ballots": 1,
                "weight_cast": "1.00",
                "hidden": False,
                "totals": {"yes": "0.00", "no": "1.00", "abstain": "0.00"},
            },
        )
    ]


def test_a_failing_live_update_never_fails_the_committed_ballot(
    monkeypatch, secretariat, django_capture_on_commit_callbacks
):
    from assemblies.models import Ballot
    from tests.assemblies.factories import open_poll

    def broken(poll_id):
        raise RuntimeError("channel layer down")

    monkeypatch.setattr(tally_publisher, "ballot_committed", broken)
    assembly = AssemblyFactory()
    (alice,) = seat(assembly, 1, teller=secretariat)
    poll = open_poll(assembly, teller=secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        result = cast(poll, alice, "yes")
    assert result.receipt and Ballot.objects.filter(poll=poll).count() == 1
