"""An exact weight column: a `fractions.Fraction` stored as the text "numerator/denominator".

Weights under a cap or split among a college are rational (say 75/7); a decimal column would
round them, and a threshold such as "two thirds of the weight expressed" could then tip the
wrong way. Sums are done in Python with the counting library, never in SQL.
"""

from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class FractionField(models.CharField):
    description = _("Nombre rationnel exact")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 64:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return None if value is None else Fraction(value)

    def to_python(self, value):
        if value is None or isinstance(value, Fraction):
            return value
        try:
            return Fraction(str(value))
        except (ValueError, ZeroDivisionError) as exc:
            raise ValidationError(_("Poids invalide."), code="invalid_weight") from exc

    def get_prep_value(self, value):
        value = self.to_python(value)
        return None if value is None else f"{value.numerator}/{value.denominator}"
