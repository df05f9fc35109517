"""The database is unreachable (stopped, restarting, the network gone): every door answers a
clear "try again shortly" with the stable code `database_unavailable` instead of a crash.

API: 503 `{"code": "database_unavailable", "message", "details"}`; pages: a 503 page; the
live channel: an `error` message with that code. A request that fails this way ran in a
transaction that did not commit, so nothing of it was half-written.

Only the loss of the connection counts: a missing table or a deadlock is a bug or a race and
keeps its own answer.
"""

from __future__ import annotations

import psycopg
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext_lazy as _

CODE = "database_unavailable"
MESSAGE = _("La base de données est momentanément indisponible. Réessayez dans quelques instants.")
RETRY_AFTER_SECONDS = 5

# SQLSTATE of a lost or refused connection: class 08 (connection exception), and the server
# shutting down or starting up (admin_shutdown, crash_shutdown, cannot_connect_now).
_SHUTDOWN_STATES = {"57P01", "57P02", "57P03"}


def is_database_unavailable(error: BaseException | None) -> bool:
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, InterfaceError | psycopg.InterfaceError):
            return True  # "connection already closed"
        if isinstance(error, psycopg.OperationalError):
            state = error.sqlstate
            # No SQLSTATE: the client could not connect, or the server vanished mid-query.
            return state is None or state.startswith("08") or state in _SHUTDOWN_STATES
        if not isinstance(error, OperationalError):
            return False
        error = error.__cause__  # Django wraps the driver's error
        seen += 1
    return False


def api_payload() -> dict:
    return {"code": CODE, "message": str(MESSAGE), "details": {}}


def response_for(request):
    """The 503 answer for `request`: the error shape under /api/, a page elsewhere. The page
    must not touch the database: no signed-in person, no messages (both live in it)."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse, JsonResponse
    from django.template.loader import render_to_string

    if request.path.startswith("/api/"):
        response = JsonResponse(api_payload(), status=503)
    else:
        context = {"user": AnonymousUser(), "messages": (), "message": MESSAGE}
        response = HttpResponse(render_to_string("503.html", context, request=request), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
