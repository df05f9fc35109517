"""One error shape for the whole API: {"code": ..., "message": ..., "details": {...}}."""

import sys

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from alliance import unavailable
from alliance.errors import AllianceError, NotFound

# DRF's own exceptions mapped to our stable codes.
DRF_CODES = {
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "malformed_request",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "not_allowed",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def error_response(code: str, message, status_code: int, details=None) -> Response:
    return Response(
        {"code": code, "message": str(message), "details": details or {}}, status=status_code
    )


def exception_handler(exc, context):
    if unavailable.is_database_unavailable(exc):
        response = Response(unavailable.api_payload(), status=503)
        response["Retry-After"] = str(unavailable.RETRY_AFTER_SECONDS)
        return response
    if isinstance(exc, AllianceError):
        response = error_response(exc.code, exc.message, exc.status, exc.details)
        if exc.status == 429 and "retry_after_seconds" in (exc.details or {}):
            response["Retry-After"] = str(exc.details["retry_after_seconds"])
        return response
    if isinstance(exc, DjangoValidationError):
        details = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return error_response(
            "invalid", _("Les données envoyées ne sont pas valides."), 400, details
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = next((c for cls, c in DRF_CODES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        message = _("Les données envoyées ne sont pas valides.")
    else:
        details = {}
        message = exc.detail if isinstance(exc.detail, str) else str(exc)
    response.data = {"code": code, "message": str(message), "details": details}
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = "Token"
    return response


# Django's own 400, 404 and 500 (an API path that matches no route, an unexpected exception) keep
# the error shape under /api/; pages keep Django's default pages.


def handler400(request, exception):
    """Django refuses the request before any view (e.g. too many form fields)."""
    if request.path.startswith("/api/"):
        message = _("Les données envoyées ne sont pas valides.")
        return JsonResponse(
            {"code": "malformed_request", "message": message, "details": {}}, status=400
        )
    return defaults.bad_request(request, exception)


def handler404(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse(NotFound().as_dict(), status=404)
    return defaults.page_not_found(request, exception)


def handler500(request):
    # The database lost outside a view (loading the session, saving it): the error being
    # handled is still the current exception here.
    if unavailable.is_database_unavailable(sys.exc_info()[1]):
        return unavailable.response_for(request)
    if request.path.startswith("/api/"):
        message = _("Erreur interne du serveur. Elle a été enregistrée.")
        return JsonResponse({"code": "server_error", "message": message, "details": {}}, status=500)
    return defaults.server_error(request)
