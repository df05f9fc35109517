"""The WebSocket origin check: a handshake is accepted only from the site's own origin.

Channels' `AllowedHostsOriginValidator` compares the Origin's host with ALLOWED_HOSTS only, so a
page of another port or scheme of an allowed host (`http://alliance.example.org:8080`, a
plain-HTTP copy) could open the socket with the delegate's cookies. Here the Origin's scheme,
host and port must all be the site's (docs/LIVE_PROTOCOL.md, "Origine"):

- host and port: those of the request's Host header, which must itself name a host of
  ALLOWED_HOSTS; a missing port is the scheme's default (80 for http, 443 for https);
- scheme: `https` when the site is served securely, `http` only when it is not. The site is
  secure when SECURE_SSL_REDIRECT is on (no page is then served over http), when the socket
  itself is `wss`, or when the proxy says so in SECURE_PROXY_SSL_HEADER (X-Forwarded-Proto).

A handshake without Origin, with `Origin: null`, or with anything else is refused (HTTP 403).
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": "80", "https": "443"}


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def site_scheme(scope) -> str:
    """`https` or `http`: how the pages that may open this socket are served."""
    if settings.SECURE_SSL_REDIRECT or scope.get("scheme") == "wss":
        return "https"
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        header, secure_value = proxy
        name = header.removeprefix("HTTP_").replace("_", "-").lower().encode()
        forwarded = _header(scope, name)
        if forwarded is not None and forwarded.split(",")[0].strip() == secure_value:
            return "https"
    return "http"


def _host_port(netloc: str, scheme: str) -> tuple[str, str] | None:
    domain, port = split_domain_port(netloc.lower())
    if not domain or (port and not port.isdigit()):
        return None
    return domain, str(int(port)) if port else DEFAULT_PORTS[scheme]


def site_origin(scope) -> tuple[str, str, str] | None:
    """(scheme, host, port) of the site this handshake reached, or None if its Host is not one
    of ALLOWED_HOSTS."""
    host = _header(scope, b"host")
    if not host:
        return None
    scheme = site_scheme(scope)
    parsed = _host_port(host, scheme)
    if parsed is None or not validate_host(parsed[0], settings.ALLOWED_HOSTS):
        return None
    return (scheme, *parsed)


def origin_allowed(scope) -> bool:
    origin, site = _header(scope, b"origin"), site_origin(scope)
    if not origin or site is None:
        return False
    try:
        parts = urlsplit(origin.strip())
    except ValueError:
        return False
    if parts.scheme not in DEFAULT_PORTS or "@" in parts.netloc or parts.path or parts.query:
        return False
    return (parts.scheme, *(_host_port(parts.netloc, parts.scheme) or ("", ""))) == site


class SiteOriginValidator:
    """ASGI middleware: the WebSocket handshake goes on only from the site's own origin."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
