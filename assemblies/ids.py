"""Ids as the assemblies area receives them."""

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from alliance.errors import InvalidInput


def pk_of(value) -> int:
    """A model's key, or an id given as a number (from a form, the API or a WebSocket)."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 19:
        return int(value)
    raise InvalidInput(_("Identifiant invalide."), code="invalid_id")
