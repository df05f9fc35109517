"""The right to cast follows the live mandate; the weight stays the one frozen at opening."""

import pytest

from assemblies import services
from assemblies.models import Ballot, VoteRecord
from tests.assemblies.factories import AssemblyFactory, open_poll, seat
from tests.factories import DelegateFactory, SecretariatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def represented():
    """An open poll in which an absent CAE is represented by the holder of its proxy."""
    assembly = AssemblyFactory()
    teller = SecretariatFactory()
    (holder,) = seat(assembly, 1, teller=teller, sizes=[1])
    absent = DelegateFactory()
    absent.organisation.entrepreneurs_count = 7
    absent.organisation.save(update_fields=["entrepreneurs_count"])
    proxy = services.proxy_grant(
        actor=absent, assembly=assembly, giver=absent.organisation, holder=holder
    )
    services.proxy_validate(actor=teller, proxy=proxy)
    poll = open_poll(assembly, teller=teller)
    return poll, proxy, holder, absent


def vote(api_as, poll, person, organisation, choice="yes"):
    return api_as(person).post(
        f"/api/polls/{poll.pk}/votes/",
        {"organisation": organisation.pk, "choice": choice},
        format="json",
    )


def test_a_withdrawn_proxy_no_longer_lets_its_former_holder_vote(api_as, represented):
    poll, proxy, holder, absent = represented
    withdrawn = api_as(absent).post(f"/api/proxies/{proxy.pk}/withdraw/")
    assert withdrawn.status_code == 200
    refused = vote(api_as, poll, holder, absent.organisation)
    assert refused.status_code == 403
    assert refused.json()["code"] == "mandate_withdrawn"
    assert not VoteRecord.objects.filter(poll=poll, organisation=absent.organisation).exists()
    # The CAE's own delegate now casts its ballot, with the weight frozen at opening.
    own = vote(api_as, poll, absent, absent.organisation, "no")
    assert own.status_code == 201
    record = VoteRecord.objects.get(poll=poll, organisation=absent.organisation)
    assert record.cast_by == absent and not record.via_proxy
    assert Ballot.objects.get(poll=poll, organisation=absent.organisation).weight == 1


def test_a_proxy_still_validated_lets_its_holder_vote(api_as, represented):
    poll, _proxy, holder, absent = represented
    response = vote(api_as, poll, holder, absent.organisation)
    assert response.status_code == 201
    assert VoteRecord.objects.get(poll=poll, organisation=absent.organisation).via_proxy


def test_a_holder_who_lost_the_delegate_role_no_longer_votes_for_the_cae(api_as, represented):
    poll, _proxy, holder, absent = represented
    holder.is_delegate = False
    holder.save(update_fields=["is_delegate"])
    refused = vote(api_as, poll, holder, absent.organisation)
    assert refused.status_code == 403 and refused.json()["code"] == "mandate_withdrawn"


def test_a_delegate_who_lost_the_role_no_longer_votes_for_their_cae(api_as, represented):
    poll, _proxy, holder, _absent = represented
    holder.is_delegate = False
    holder.save(update_fields=["is_delegate"])
    refused = vote(api_as, poll, holder, holder.organisation)
    assert refused.status_code == 403 and refused.json()["code"] == "not_entitled"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_votes_of_the_holder_racing_the_withdrawal_are_committed_before_it_or_refused():
    """Forty absent CAEs give their proxies to one holder; while the holder casts their forty
    ballots, each CAE withdraws its proxy. Every ballot either committed while the proxy was
    still validated, or was refused; then the CAE's own delegate casts the refused ones."""
    import time

    from alliance.errors import AllianceError
    from assemblies.models import Proxy
    from tests.assemblies.test_concurrency import run_together

    assembly = AssemblyFactory(max_proxies_per_delegate=40)
    teller = SecretariatFactory()
    (holder,) = seat(assembly, 1, teller=teller)
    givers = [DelegateFactory() for _ in range(40)]
    proxies = []
    for giver in givers:
        proxy = services.proxy_grant(
            actor=giver, assembly=assembly, giver=giver.organisation, holder=holder
        )
        proxies.append(services.proxy_validate(actor=teller, proxy=proxy))
    poll = open_poll(assembly, teller=teller)

    def holder_votes():
        outcomes = []
        for giver in givers:
            try:
                services.ballot_cast(
                    poll=poll, organisation=giver.organisation, actor=holder, choice="yes"
                )
                outcomes.append("ok")
            except AllianceError as error:
                outcomes.append(error.code)
        return outcomes

    def withdrawals():
        # Interleaved with the holder's votes: the first CAEs are voted for first.
        for giver, proxy in zip(reversed(givers), reversed(proxies), strict=True):
            services.proxy_withdraw(actor=giver, proxy=proxy)
            time.sleep(0.001)

    outcomes, _ = run_together([holder_votes, withdrawals])
    assert set(outcomes) <= {"ok", "mandate_withdrawn"}
    assert "ok" in outcomes and "mandate_withdrawn" in outcomes  # they did cross
    assert all(p.status == "withdrawn" for p in Proxy.objects.filter(assembly=assembly))
    voted = set(
        VoteRecord.objects.filter(poll=poll, via_proxy=True).values_list(
            "organisation_id", flat=True
        )
    )
    assert voted == {g.organisation_id for g, o in zip(givers, outcomes, strict=True) if o == "ok"}
    for giver, outcome in zip(givers, outcomes, strict=True):
        if outcome == "mandate_withdrawn":
            services.ballot_cast(
                poll=poll, organisation=giver.organisation, actor=giver, choice="no"
            )
    assert VoteRecord.objects.filter(poll=poll).count() == 40
    assert Ballot.objects.filter(poll=poll).count() == 40


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_waits_for_the_ballot_in_flight_that_relies_on_the_proxy(represented):
    """The holder's ballot is written but not yet committed: the withdrawal waits for it (the
    proxy row is share-locked by the batch), so the ballot commits before the withdrawal."""
    import threading

    from django.db import connection, transaction

    from assemblies.models import Proxy

    poll, proxy, holder, absent = represented
    cast_written, release = threading.Event(), threading.Event()

    def ballot_in_flight():
        try:
            with transaction.atomic():
                services.ballot_cast(
                    poll=poll, organisation=absent.organisation, actor=holder, choice="yes"
                )
                cast_written.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    def withdraw():
        try:
            services.proxy_withdraw(actor=absent, proxy=proxy)
        finally:
            connection.close()

    voter = threading.Thread(target=ballot_in_flight)
    voter.start()
    assert cast_written.wait(timeout=10)
    withdrawer = threading.Thread(target=withdraw)
    withdrawer.start()
    withdrawer.join(timeout=0.5)
    assert withdrawer.is_alive()  # waiting for the ballot's transaction
    release.set()
    voter.join(timeout=10)
    withdrawer.join(timeout=10)
    assert Proxy.objects.get(pk=proxy.pk).status == "withdrawn"
    record = VoteRecord.objects.get(poll=poll, organisation=absent.organisation)
    assert record.cast_by == holder and record.via_proxy
