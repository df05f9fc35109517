from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import Http404

from alliance import unavailable

# No inline scripts anywhere: pages load their JavaScript from /static/ and pass data through
# data-* attributes or json_script blocks (which are not executed). Sockets connect to the site's
# own origin only: `{socket}` is ws(s)://<the request's host> (older browsers do not count
# ws: as 'self'), never any ws: or wss: host.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self' {socket}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def content_security_policy(request) -> str:
    """The policy for this request: its sockets may reach this site's own origin only."""
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)
    try:
        socket = f"{'wss' if request.is_secure() else 'ws'}://{request.get_host()}"
    except DisallowedHost:  # answered 400 anyway: no socket origin to name
        socket = ""
    return policy.replace(" {socket}", f" {socket}" if socket else "")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(request))
        return response


class IdOutOfRangeMiddleware:
    """An id too large for SQLite's integers (`/api/threads/10**30/comments/`) names nothing:
    404, not a crash. PostgreSQL compares such numbers without error. (Found by schemathesis.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError) and "SQLite INTEGER" in str(exception):
            raise Http404 from exception
        return None


class DatabaseUnavailableMiddleware:
    """A view (page or API) that loses the database answers 503 `database_unavailable`, not a
    crash (alliance/unavailable.py). The API's own exception handler answers first for DRF
    views; this catches the rest."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if unavailable.is_database_unavailable(exception):
            return unavailable.response_for(request)
        return None
