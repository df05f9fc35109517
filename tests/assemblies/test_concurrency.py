"""Real threads on PostgreSQL: the database constraint and the poll's row lock hold."""

import threading
import time

import pytest
from django.db import connection

from alliance.errors import AllianceError
from assemblies import services
from assemblies.models import Ballot, LedgerEntry, Proxy, VoteRecord
from tests.assemblies.factories import AssemblyFactory, cast, open_poll, seat
from tests.factories import DelegateFactory, SecretariatFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(calls):
    """Run every call in its own thread, all released at once; returns results or errors."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except AllianceError as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_a_hundred_caes_casting_five_duplicates_each_give_a_hundred_ballots():
    assembly = AssemblyFactory()
    delegates = seat(assembly, 100)
    poll = open_poll(assembly)
    results = []
    # Waves of 5 CAEs x 5 duplicates keep the connections under PostgreSQL's limit.
    for start in range(0, 100, 5):
        wave = [d for d in delegates[start : start + 5] for _ in range(5)]
        results += run_together([lambda d=d: cast(poll, d, "yes") for d in wave])
    codes = [getattr(r, "code", "ok") for r in results]
    assert codes.count("ok") == 100
    assert codes.count("already_voted") == 400
    assert Ballot.objects.filter(poll=poll).count() == 100
    assert VoteRecord.objects.filter(poll=poll).count() == 100
    assert sorted(r.seq for r in results if not isinstance(r, AllianceError))[-1] == 100


def test_votes_racing_the_close_are_counted_and_acknowledged_or_refused():
    assembly = AssemblyFactory()
    teller = SecretariatFactory()
    delegates = seat(assembly, 40, teller=teller)
    poll = open_poll(assembly, teller=teller)

    def vote_later(delegate, delay):
        time.sleep(delay)  # spread the votes so that some come before the close, some after
        return cast(poll, delegate, "yes")

    def close_later():
        time.sleep(0.04)
        return services.poll_close(actor=teller, poll=poll)

    calls = [lambda d=d, i=i: vote_later(d, i * 0.003) for i, d in enumerate(delegates)]
    results = run_together([close_later, *calls])[1:]
    acknowledged = [r for r in results if not isinstance(r, AllianceError)]
    refused = [r for r in results if isinstance(r, AllianceError)]
    assert all(r.code == "poll_closed" for r in refused)
    assert len(acknowledged) + len(refused) == 40
    assert acknowledged and refused  # the close came while votes were still arriving
    sealed = LedgerEntry.objects.filter(poll=poll, kind="ballot").count()
    assert sealed == len(acknowledged) == Ballot.objects.filter(poll=poll).count()
    closing = LedgerEntry.objects.get(poll=poll, kind="closed")
    assert closing.payload["ballots"] == len(acknowledged)
    receipts = {services.receipt_hash(r.receipt) for r in acknowledged}
    assert receipts == set(Ballot.objects.filter(poll=poll).values_list("receipt_hash", flat=True))


def test_concurrent_proxy_grants_cannot_exceed_the_cap():
    assembly = AssemblyFactory(max_proxies_per_delegate=2)
    holder = DelegateFactory()
    givers = [DelegateFactory() for _ in range(8)]
    results = run_together(
        [
            lambda g=g: services.proxy_grant(
                actor=g, assembly=assembly, giver=g.organisation, holder=holder
            )
            for g in givers
        ]
    )
    codes = [getattr(r, "code", "ok") for r in results]
    assert codes.count("ok") == 2
    assert codes.count("proxy_cap_reached") == 6
    assert Proxy.objects.filter(holder=holder).count() == 2


def test_two_processes_casting_overlapping_batches_count_each_cae_once():
    """Two server processes each cast a batch naming the same 30 CAEs (a delegate who voted on
    both, or a retry crossing its first try): each CAE has one ballot and one `ok`."""
    from assemblies.casting import BallotRequest, ballots_cast

    assembly = AssemblyFactory()
    delegates = seat(assembly, 40)
    poll = open_poll(assembly)

    def batch(chosen, choice):
        requests = [BallotRequest(poll.pk, d.organisation_id, d, choice) for d in chosen]
        return lambda: ballots_cast(requests)

    # In opposite orders (the records are inserted sorted, so the two never wait crosswise).
    first, second = run_together(
        [batch(delegates[:30], "yes"), batch(list(reversed(delegates[10:])), "no")]
    )
    answers = [o.code if isinstance(o, AllianceError) else "ok" for o in first + second]
    assert answers.count("ok") == 40 and answers.count("already_voted") == 20
    assert Ballot.objects.filter(poll=poll).count() == 40
    assert VoteRecord.objects.filter(poll=poll).count() == 40
    assert max(o.seq for o in first + second if not isinstance(o, AllianceError)) == 40
