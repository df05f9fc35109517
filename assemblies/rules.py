"""Who may do what in assemblies, built on `alliance.rules`; pages, API and consumers ask here."""

from alliance import rules as base


def can_manage_assemblies(user) -> bool:
    """Create assemblies and polls, check CAEs in, validate proxies, open and close votes."""
    return base.is_secretariat(user)


def can_view_assembly(user) -> bool:
    """Assembly pages, the API and the live channel are for signed-in people."""
    return base.is_authenticated(user)


def can_check_in(user, organisation) -> bool:
    return base.is_secretariat(user) or base.is_delegate_of(user, organisation)


def can_grant_proxy(user, organisation) -> bool:
    return base.is_secretariat(user) or base.is_delegate_of(user, organisation)


def can_enter_paper_ballots(user) -> bool:
    """Tellers of the secretariat enter the paper ballots of CAEs in the room."""
    return base.is_secretariat(user)
