"""Ids as the assemblies area receives them."""

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from alliance.errors import InvalidInput

MAX_ID = 2**63 - 1  # a bigint key: a larger one is no row, and the database refuses to compare it


def pk_of(value) -> int:
    """A model's key, or an id given as a number (from a form, the API or a WebSocket), in
    1..2**63-1; booleans, floats (NaN and infinities included) and other types are refused."""
    if isinstance(value, Model):
        return value.pk
    if is_id(value):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and is_id(int(value)):
        return int(value)
    raise InvalidInput(_("Identifiant invalide."), code="invalid_id")


def is_id(value) -> bool:
    """An id as it may come in a parsed message: an int (not a bool) in 1..2**63-1."""
    return type(value) is int and 0 < value <= MAX_ID
