"""Domain errors: a stable machine-readable code plus a translated message.

Services raise them; the API turns them into `{"code", "message", "details"}` with the status
below, pages show the message, and consumers send `{"type": "error", "code", "message"}`.
"""

from django.utils.translation import gettext_lazy as _


class AllianceError(Exception):
    status = 400
    default_code = "invalid"
    default_message = _("La demande n'est pas valide.")

    def __init__(self, message=None, *, code=None, details=None):
        self.code = code or self.default_code
        self.message = message if message is not None else self.default_message
        self.details = details or {}
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        return {"code": self.code, "message": str(self.message), "details": self.details}


class InvalidInput(AllianceError):
    status = 400
    default_code = "invalid"


class NotAllowed(AllianceError):
    status = 403
    default_code = "not_allowed"
    default_message = _("Vous n'avez pas le droit de faire cela.")


class NotFound(AllianceError):
    status = 404
    default_code = "not_found"
    default_message = _("Introuvable.")


class Conflict(AllianceError):
    status = 409
    default_code = "conflict"
    default_message = _("Cette action entre en conflit avec l'état actuel.")
