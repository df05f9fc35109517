"""Writes of the membership domain. Every change to CAEs, networks and accounts goes here."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from alliance import rules
from alliance.errors import InvalidInput, NotAllowed
from alliance.events import send_event_on_commit
from alliance.models import ROLE_FLAGS, Network, Organisation, RoleChange, User
from alliance.ws import person_group

ORGANISATION_FIELDS = ("name", "city", "region", "website", "entrepreneurs_count", "active")


def _validate(organisation: Organisation) -> None:
    try:
        organisation.full_clean()
    except ValidationError as exc:
        raise InvalidInput(
            _("Les informations de la CAE ne sont pas valides."),
            code="invalid_organisation",
            details=exc.message_dict,
        ) from exc


@transaction.atomic
def organisation_upsert(
    *, slug: str, values: dict, networks: list[Network] | None = None
) -> tuple[Organisation, str]:
    """Create the CAE `slug` or update the fields given in `values` (a subset of
    `ORGANISATION_FIELDS`); `networks=None` leaves its networks alone.

    Returns the organisation and what happened: "created", "updated" or "unchanged". An
    unchanged CAE is not saved, so re-importing the same file moves nothing, not even
    `updated_at`.
    """
    unknown = set(values) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValueError(f"not organisation fields: {sorted(unknown)}")
    organisation = Organisation.objects.select_for_update().filter(slug=slug).first()
    if organisation is None:
        organisation = Organisation(slug=slug, **values)
        _validate(organisation)
        organisation.save()
        if networks:
            organisation.networks.set(networks)
        return organisation, "created"

    changed = [field for field, value in values.items() if getattr(organisation, field) != value]
    for field in changed:
        setattr(organisation, field, values[field])
    if changed:
        _validate(organisation)
        organisation.save(update_fields=[*changed, "updated_at"])
    if networks is not None:
        wanted = {network.pk for network in networks}
        if set(organisation.networks.values_list("pk", flat=True)) != wanted:
            organisation.networks.set(networks)
            changed.append("networks")
    return organisation, "updated" if changed else "unchanged"


# Why a person's open sockets are closed (`session.revoked`'s `reason`).
REVOKE_REASONS = (
    "logout",
    "token_regenerated",
    "password_changed",
    "password_reset",
    "deactivated",
    "delegate_role_withdrawn",
)


def person_sessions_revoke(*, user: User, reason: str) -> None:
    """Once the current transaction commits, every open socket of `user` (both live channels,
    every process) closes with `CLOSE_SESSION_REVOKED` (docs/LIVE_PROTOCOL.md). The sessions
    and tokens themselves are ended by the caller (logout, token rotation, new password
    hash, `is_active`); a socket opened again is checked afresh."""
    if reason not in REVOKE_REASONS:
        raise ValueError(f"unknown revocation reason: {reason}")
    send_event_on_commit(person_group(user.pk), {"type": "session.revoked", "reason": reason})


@transaction.atomic
def user_token_regenerate(*, user: User, reason: str = "token_regenerated") -> Token:
    """Revoke the person's API token and issue a new one; their open sockets close (the one
    opened with the old token among them). Also the rotation after a new password
    (`reason` "password_changed" or "password_reset")."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    person_sessions_revoke(user=user, reason=reason)
    return token


def user_token_get_or_create(*, user: User) -> Token:
    token, _created = Token.objects.get_or_create(user=user)
    return token


@transaction.atomic
def user_profile_update(*, user: User, first_name: str, last_name: str, email: str) -> User:
    """A person changes their own name and email address (password resets go there)."""
    user.first_name, user.last_name, user.email = first_name.strip(), last_name.strip(), email
    try:
        user.full_clean(exclude=["password", "username"])
    except ValidationError as exc:
        raise InvalidInput(
            _("Ces informations ne sont pas valides."),
            code="invalid_profile",
            details=exc.message_dict,
        ) from exc
    user.save(update_fields=["first_name", "last_name", "email"])
    return user


# Roles that need a CAE: one acts for it.
ROLES_NEEDING_A_CAE = ("is_delegate", "is_referent")


def person_roles_set(*, actor: User | None, person: User, **flags: bool) -> list[RoleChange]:
    """Grant or withdraw roles of `person` (`is_delegate=True`, `is_referent=False`...), and
    record one `RoleChange` per flag that really changed; an unchanged flag records nothing.

    `actor` None is a command (an import, the demo): no rule is asked. Otherwise
    `rules.can_set_role` decides for each flag. The person's row is locked for the change, so
    two changes at once are both recorded with the right "before"."""
    unknown = sorted(set(flags) - set(ROLE_FLAGS))
    if unknown:
        raise InvalidInput(
            _("Rôle inconnu : %(roles)s.") % {"roles": ", ".join(unknown)},
            code="unknown_role",
            details={"roles": unknown},
        )
    if any(not isinstance(value, bool) for value in flags.values()):
        raise InvalidInput(_("Un rôle est accordé (vrai) ou retiré (faux)."), code="invalid_role")
    with transaction.atomic():
        person = User.objects.select_for_update(of=("self",)).get(pk=person.pk)
        changed = {role: value for role, value in flags.items() if getattr(person, role) != value}
        if actor is not None:
            refused = [role for role in changed if not rules.can_set_role(actor, person, role)]
            if refused:
                raise NotAllowed(
                    _("Vous ne pouvez pas changer ce rôle de cette personne."),
                    code="role_not_allowed",
                    details={"roles": refused},
                )
        if person.organisation_id is None and any(
            changed.get(role) for role in ROLES_NEEDING_A_CAE
        ):
            raise InvalidInput(
                _("Ce rôle s'exerce pour une CAE : la personne n'appartient à aucune CAE."),
                code="role_needs_organisation",
            )
        if not changed:
            return []
        for role, value in changed.items():
            setattr(person, role, value)
        person.save(update_fields=list(changed))
        return RoleChange.objects.bulk_create(
            RoleChange(
                person=person,
                actor=actor,
                role=role,
                granted=value,
                organisation_id=person.organisation_id,
            )
            for role, value in changed.items()
        )
