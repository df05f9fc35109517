"""Who may do what, in one place: small predicates composed into named rules.

Pages, the API and WebSocket consumers all ask these functions; none re-implements a check.
Every predicate accepts an anonymous user and answers False for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alliance.models import Network, Organisation, User


def is_authenticated(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_admin(user) -> bool:
    return is_authenticated(user) and user.is_superuser


def is_steering_committee(user) -> bool:
    return is_authenticated(user) and (user.is_steering_committee or user.is_superuser)


def is_secretariat(user) -> bool:
    return is_authenticated(user) and (user.is_secretariat or user.is_superuser)


def is_facilitator(user) -> bool:
    """Facilitators run workshops and territorial meetings: secretariat or steering committee."""
    return is_secretariat(user) or is_steering_committee(user)


def is_member(user) -> bool:
    """A person who belongs to an active member CAE."""
    return is_authenticated(user) and user.organisation_id is not None and user.organisation.active


def is_member_of(user, organisation: Organisation) -> bool:
    return is_member(user) and user.organisation_id == organisation.pk


def is_delegate_of(user, organisation: Organisation) -> bool:
    return is_member_of(user, organisation) and user.is_delegate


def is_delegate(user) -> bool:
    return is_member(user) and user.is_delegate


def is_referent_of(user, organisation: Organisation) -> bool:
    """The CAE's referent (gestionnaire) manages its people and names its delegates."""
    return is_member_of(user, organisation) and user.is_referent


def speaks_for_network(user, network: Network) -> bool:
    """Delegates of a CAE of the network speak for it; so do steering committee members."""
    if is_steering_committee(user):
        return True
    return is_delegate(user) and network.organisations.filter(pk=user.organisation_id).exists()


# --- Named rules ----------------------------------------------------------------------------


def can_act_for(user: User, organisation: Organisation) -> bool:
    """Comment, answer or endorse in the name of this CAE."""
    return is_member_of(user, organisation)


def can_manage_directory(user: User) -> bool:
    return is_secretariat(user)


def can_lift_login_locks(user: User) -> bool:
    """See the sign-in locks in force and lift them (alliance/throttling.py)."""
    return is_secretariat(user)


def can_view_people(user: User) -> bool:
    """People's names are for signed-in members of the alliance, not for the public."""
    return is_authenticated(user)


def can_manage_people_of(user: User, organisation: Organisation | None) -> bool:
    """Invite people into this CAE, remove them, name its delegates. `None`: people of no CAE,
    which only the secretariat manages."""
    if is_secretariat(user):
        return True
    return organisation is not None and is_referent_of(user, organisation)


# Roles a CAE's referent may grant or withdraw for its own people; the others are the
# secretariat's (platform roles).
REFERENT_ROLES = frozenset({"is_delegate", "is_referent"})


def can_set_role(user: User, person: User, role: str) -> bool:
    if is_secretariat(user):
        return True
    return role in REFERENT_ROLES and can_manage_people_of(user, person.organisation)


def can_view_role_changes(user: User) -> bool:
    """The journal of every role change, for the whole alliance."""
    return is_secretariat(user)
