import pytest

from alliance.errors import Conflict, InvalidInput, NotAllowed
from assemblies import services
from assemblies.models import Ballot, LedgerEntry, VoteRecord
from tests.assemblies.factories import AssemblyFactory, cast, open_poll, seat
from tests.factories import DelegateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assembly():
    return AssemblyFactory()


def test_a_delegate_casts_one_ballot_and_gets_a_receipt_and_seq(assembly):
    alice, bob = seat(assembly, 2)
    poll = open_poll(assembly)
    first = cast(poll, alice, "yes", request_id="r1")
    second = cast(poll, bob, "no")
    assert (first.seq, second.seq) == (1, 2)
    assert first.request_id == "r1" and len(first.receipt) >= 20
    assert Ballot.objects.filter(poll=poll).count() == 2
    assert not Ballot.objects.filter(receipt_hash=first.receipt).exists()  # only the hash


def test_a_second_ballot_for_the_same_cae_is_already_voted(assembly):
    (alice,) = seat(assembly, 1)
    colleague = DelegateFactory(organisation=alice.organisation)
    poll = open_poll(assembly)
    cast(poll, alice, "yes")
    with pytest.raises(Conflict) as error:
        cast(poll, colleague, "no")
    assert error.value.code == "already_voted"
    assert Ballot.objects.filter(poll=poll).count() == 1


def test_votes_on_draft_or_closed_polls_are_refused(assembly, secretariat):
    (alice,) = seat(assembly, 1)
    draft = services.poll_create(
        actor=secretariat, assembly=assembly, title="?", method="motion", threshold="simple"
    )
    with pytest.raises(Conflict) as error:
        cast(draft, alice, "yes")
    assert error.value.code == "poll_not_open"
    poll = open_poll(assembly)
    services.poll_close(actor=secretariat, poll=poll)
    with pytest.raises(Conflict) as error:
        cast(poll, alice, "yes")
    assert error.value.code == "poll_closed"
    assert not Ballot.objects.exists()


def test_nobody_votes_for_a_cae_they_do_not_represent(assembly):
    alice, bob = seat(assembly, 2)
    poll = open_poll(assembly)
    with pytest.raises(NotAllowed) as error:
        services.ballot_cast(poll=poll, organisation=bob.organisation, actor=alice, choice="yes")
    assert error.value.code == "not_entitled"
    assert not VoteRecord.objects.exists()


@pytest.mark.parametrize("choice", ["oui", None, 1, ["yes"], {"yes": 1}, True])
def test_a_choice_outside_the_method_is_invalid(assembly, choice):
    (alice,) = seat(assembly, 1)
    poll = open_poll(assembly)
    with pytest.raises(InvalidInput) as error:
        cast(poll, alice, choice)
    assert error.value.code == "invalid_choice"
    assert not VoteRecord.objects.exists()


def test_a_secret_ballot_has_no_link_to_its_voter(assembly):
    (alice,) = seat(assembly, 1)
    poll = open_poll(assembly, secret=True)
    cast(poll, alice, "yes")
    ballot = Ballot.objects.get()
    assert ballot.organisation_id is None
    assert VoteRecord.objects.get().organisation == alice.organisation


def test_a_teller_enters_a_paper_ballot_under_the_same_rules(assembly, secretariat):
    (alice,) = seat(assembly, 1)
    poll = open_poll(assembly)
    result = services.ballot_cast(
        poll=poll, organisation=alice.organisation, actor=secretariat, choice="no", paper=True
    )
    assert result.paper and VoteRecord.objects.get().paper
    with pytest.raises(Conflict):
        cast(poll, alice, "yes")
    with pytest.raises(NotAllowed):
        services.ballot_cast(
            poll=poll, organisation=alice.organisation, actor=alice, choice="no", paper=True
        )


def test_closing_seals_every_ballot_in_the_ledger(assembly, secretariat):
    delegates = seat(assembly, 3)
    poll = open_poll(assembly)
    for delegate, choice in zip(delegates, ["yes", "yes", "no"], strict=True):
        cast(poll, delegate, choice)
    services.poll_close(actor=secretariat, poll=poll)
    kinds = list(LedgerEntry.objects.filter(poll=poll).values_list("kind", flat=True))
    assert kinds == ["opened", "ballot", "ballot", "ballot", "closed"]
    closing = LedgerEntry.objects.get(poll=poll, kind="closed")
    assert closing.payload["totals"] == {"yes": "2.00", "no": "1.00", "abstain": "0.00"}


@pytest.mark.parametrize("organisation", ["abc", None, True, -3, 1.5, "9" * 30, [1]])
def test_malformed_ids_are_invalid_input_not_a_crash(assembly, organisation):
    (alice,) = seat(assembly, 1)
    poll = open_poll(assembly)
    with pytest.raises(InvalidInput) as error:
        services.ballot_cast(poll=poll, organisation=organisation, actor=alice, choice="yes")
    assert error.value.code == "invalid_id"
    with pytest.raises(InvalidInput):
        services.ballot_cast(
            poll=organisation, organisation=alice.organisation, actor=alice, choice="yes"
        )


def test_an_unknown_poll_is_not_found(assembly):
    from alliance.errors import NotFound

    (alice,) = seat(assembly, 1)
    with pytest.raises(NotFound) as error:
        services.ballot_cast(
            poll=999999, organisation=alice.organisation, actor=alice, choice="yes"
        )
    assert error.value.code == "poll_not_found"


def test_the_current_poll_is_the_latest_open_else_the_latest_closed(assembly, secretariat):
    from assemblies import selectors

    seat(assembly, 1)
    assert selectors.current_poll(assembly) is None
    first = open_poll(assembly, teller=secretariat)
    second = open_poll(assembly, teller=secretariat)
    assert selectors.current_poll(assembly) == second
    services.poll_close(actor=secretariat, poll=second)
    assert selectors.current_poll(assembly) == first
    services.poll_close(actor=secretariat, poll=first)
    assert selectors.current_poll(assembly) == first
