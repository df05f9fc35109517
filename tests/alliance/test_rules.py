import pytest
from django.contrib.auth.models import AnonymousUser

from alliance import rules
from tests.factories import DelegateFactory, NetworkFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_holds_no_role(organisation):
    anonymous = AnonymousUser()
    assert not rules.is_member(anonymous)
    assert not rules.is_member_of(anonymous, organisation)
    assert not rules.is_delegate_of(anonymous, organisation)
    assert not rules.is_steering_committee(anonymous)
    assert not rules.is_secretariat(anonymous)
    assert not rules.is_admin(anonymous)


def test_member_acts_only_for_their_own_cae(member, organisation):
    other = OrganisationFactory()
    assert rules.can_act_for(member, organisation)
    assert not rules.can_act_for(member, other)
    assert not rules.is_delegate_of(member, organisation)


def test_delegate_is_delegate_of_their_cae_only(delegate, organisation):
    assert rules.is_delegate_of(delegate, organisation)
    assert not rules.is_delegate_of(delegate, OrganisationFactory())


def test_member_of_an_inactive_cae_is_not_a_member():
    person = UserFactory(organisation=OrganisationFactory(active=False))
    assert not rules.is_member(person)


def test_deactivated_account_holds_no_role(steering):
    steering.is_active = False
    assert not rules.is_steering_committee(steering)


def test_admin_holds_every_platform_role(admin_user):
    assert rules.is_steering_committee(admin_user)
    assert rules.is_secretariat(admin_user)
    assert rules.is_facilitator(admin_user)


def test_only_delegates_of_a_member_cae_speak_for_a_network():
    network = NetworkFactory()
    inside = DelegateFactory(organisation=OrganisationFactory(networks=[network]))
    outside = DelegateFactory()
    plain_member = UserFactory(organisation=inside.organisation)
    assert rules.speaks_for_network(inside, network)
    assert not rules.speaks_for_network(outside, network)
    assert not rules.speaks_for_network(plain_member, network)


def test_a_delegate_needs_an_organisation():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        UserFactory(organisation=None, is_delegate=True)


def test_only_signed_in_people_see_names(member):
    assert rules.can_view_people(member)
    assert not rules.can_view_people(AnonymousUser())
    member.is_active = False
    assert not rules.can_view_people(member)


def test_only_the_secretariat_and_admins_manage_the_directory(secretariat, admin_user, delegate):
    assert rules.can_manage_directory(secretariat)
    assert rules.can_manage_directory(admin_user)
    assert not rules.can_manage_directory(delegate)
    assert not rules.can_manage_directory(AnonymousUser())
