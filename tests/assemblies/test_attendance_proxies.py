from decimal import Decimal

import pytest

from alliance.errors import Conflict, InvalidInput, NotAllowed
from assemblies import selectors, services
from assemblies.models import Assembly, PollEntitlement
from tests.assemblies.factories import AssemblyFactory, cast, open_poll, seat
from tests.factories import DelegateFactory, NetworkFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assembly():
    return AssemblyFactory(quorum_share=Decimal("0.5"))


def test_a_delegate_checks_their_cae_in_and_out_online(assembly, delegate):
    services.attendance_check_in(
        actor=delegate, assembly=assembly, organisation=delegate.organisation
    )
    assert selectors.presence(assembly).present == {delegate.organisation_id}
    with pytest.raises(Conflict) as error:
        services.attendance_check_in(
            actor=delegate, assembly=assembly, organisation=delegate.organisation
        )
    assert error.value.code == "already_checked_in"
    services.attendance_check_out(
        actor=delegate, assembly=assembly, organisation=delegate.organisation
    )
    assert not selectors.presence(assembly).present
    with pytest.raises(Conflict) as error:
        services.attendance_check_out(
            actor=delegate, assembly=assembly, organisation=delegate.organisation
        )
    assert error.value.code == "not_checked_in"


def test_only_a_delegate_of_the_cae_or_the_secretariat_checks_it_in(
    assembly, delegate, member, secretariat
):
    other = DelegateFactory()
    for actor in (other, member):
        with pytest.raises(NotAllowed):
            services.attendance_check_in(
                actor=actor, assembly=assembly, organisation=delegate.organisation
            )
    with pytest.raises(InvalidInput) as error:
        services.attendance_check_in(
            actor=secretariat, assembly=assembly, organisation=member.organisation, delegate=member
        )
    assert error.value.code == "not_a_delegate"


def test_quorum_counts_present_and_represented_weight(assembly, secretariat):
    present = seat(assembly, 2)
    absent = [DelegateFactory() for _ in range(3)]
    proxy = services.proxy_grant(
        actor=absent[0], assembly=assembly, giver=absent[0].organisation, holder=present[0]
    )
    state = selectors.presence(assembly)
    assert (len(state.present), len(state.represented), state.quorum_reached) == (2, 0, False)
    services.proxy_validate(actor=secretariat, proxy=proxy)
    state = selectors.presence(assembly)
    assert state.represented == {absent[0].organisation_id: present[0].pk}
    assert state.as_payload()["quorum_reached"] is True
    assert state.as_payload()["total_weight"] == "5.00"


def test_proxy_rules(assembly, secretariat):
    holder = DelegateFactory()
    givers = [DelegateFactory() for _ in range(3)]
    grant = lambda g, h=holder: services.proxy_grant(  # noqa: E731
        actor=g, assembly=assembly, giver=g.organisation, holder=h
    )
    grant(givers[0])
    with pytest.raises(Conflict) as error:
        grant(givers[0], DelegateFactory())
    assert error.value.code == "proxy_exists"
    grant(givers[1])
    with pytest.raises(Conflict) as error:
        grant(givers[2])
    assert error.value.code == "proxy_cap_reached"
    with pytest.raises(InvalidInput) as error:
        grant(givers[2], DelegateFactory(organisation=givers[2].organisation))
    assert error.value.code == "invalid_holder"
    with pytest.raises(InvalidInput):
        grant(givers[2], UserFactory())
    with pytest.raises(NotAllowed):
        services.proxy_grant(
            actor=holder, assembly=assembly, giver=givers[2].organisation, holder=holder
        )


def test_a_present_cae_cannot_give_its_proxy(assembly):
    (present,) = seat(assembly, 1)
    with pytest.raises(Conflict) as error:
        services.proxy_grant(
            actor=present, assembly=assembly, giver=present.organisation, holder=DelegateFactory()
        )
    assert error.value.code == "giver_present"


def test_a_proxy_holder_votes_for_the_absent_cae_once(assembly, secretariat):
    holder, other = seat(assembly, 2)
    absent = DelegateFactory()
    proxy = services.proxy_grant(
        actor=absent, assembly=assembly, giver=absent.organisation, holder=holder
    )
    services.proxy_validate(actor=secretariat, proxy=proxy)
    poll = open_poll(assembly)
    entitlement = PollEntitlement.objects.get(poll=poll, organisation=absent.organisation)
    assert entitlement.proxy_holder == holder
    services.ballot_cast(poll=poll, organisation=absent.organisation, actor=holder, choice="yes")
    with pytest.raises(Conflict) as error:  # its own delegate comes too late
        cast(poll, absent, "no")
    assert error.value.code == "already_voted"
    with pytest.raises(NotAllowed):
        services.ballot_cast(poll=poll, organisation=absent.organisation, actor=other, choice="no")


def test_a_cae_present_at_opening_is_not_voted_for_by_its_proxy(assembly, secretariat):
    (holder,) = seat(assembly, 1)
    giver = DelegateFactory()
    proxy = services.proxy_grant(
        actor=giver, assembly=assembly, giver=giver.organisation, holder=holder
    )
    services.proxy_validate(actor=secretariat, proxy=proxy)
    services.attendance_check_in(actor=giver, assembly=assembly, organisation=giver.organisation)
    poll = open_poll(assembly)
    with pytest.raises(NotAllowed) as error:
        services.ballot_cast(poll=poll, organisation=giver.organisation, actor=holder, choice="yes")
    assert error.value.code == "not_entitled"
    cast(poll, giver, "yes")


def test_a_poll_needs_the_quorum_to_open(assembly, secretariat):
    seat(assembly, 1)
    OrganisationFactory.create_batch(3)
    with pytest.raises(Conflict) as error:
        open_poll(assembly, teller=secretariat)
    assert error.value.code == "quorum_not_reached"


def test_weights_are_frozen_when_the_poll_opens(secretariat):
    assembly = AssemblyFactory(
        weight_rule=Assembly.WeightRule.PROPORTIONAL_CAPPED, cap_share=Decimal("0.4")
    )
    big, small, tiny = seat(assembly, 3, sizes=[100, 20, 10])
    poll = open_poll(assembly)
    weights = dict(PollEntitlement.objects.filter(poll=poll).values_list("organisation", "weight"))
    # 3 CAEs share a total of 3; the big one is capped at 40 %, the others share the rest 2:1.
    assert str(weights[big.organisation_id]) == "6/5"
    assert str(weights[small.organisation_id]) == "6/5"
    assert str(weights[tiny.organisation_id]) == "3/5"
    big.organisation.entrepreneurs_count = 1
    big.organisation.save()
    cast(poll, big, "yes")
    cast(poll, small, "no")
    cast(poll, tiny, "no")
    assert selectors.poll_tally(poll)["totals"] == {"yes": "1.20", "no": "1.80", "abstain": "0.00"}


def test_colleges_split_their_share_among_their_caes(secretariat):
    assembly = AssemblyFactory(weight_rule=Assembly.WeightRule.COLLEGES)
    delegates = seat(assembly, 4)
    network = NetworkFactory()
    for d in delegates[:3]:
        d.organisation.networks.add(network)
    services.college_create(
        actor=secretariat, assembly=assembly, name="Réseau", share=1, network=network
    )
    services.college_create(
        actor=secretariat,
        assembly=assembly,
        name="Hors réseau",
        share=1,
        organisations=[delegates[3].organisation],
    )
    poll = open_poll(assembly)
    cast(poll, delegates[0], "yes")
    cast(poll, delegates[3], "no")
    # Total 4: each college holds 2; three CAEs share one college, one holds the other alone.
    assert selectors.poll_tally(poll)["totals"] == {"yes": "0.67", "no": "2.00", "abstain": "0.00"}
    with pytest.raises(Conflict) as error:
        services.college_create(
            actor=secretariat,
            assembly=assembly,
            name="Autre",
            share=1,
            organisations=[delegates[0].organisation],
        )
    assert error.value.code == "college_member_elsewhere"
