"""Login throttling, shared by the login page and `POST /api/auth/token/`.

Failures are counted in Django's cache (Redis in the scale-out deployment, so every daphne
process sees the same counts) per username and per client address, in a window that starts
at the first failure. Once a count reaches its limit, every attempt for that username or from
that address is refused with `login_throttled` (the password is not even checked) until the
window passes. A success clears the username's count, not the address's: a valid account must
not reset the budget of someone trying many usernames from one address.

If the cache is unreachable (Redis stopped), sign-in still works, unthrottled, and a warning is
logged: delegates must be able to sign in during an assembly; the outage is short and logged
(docs/RELIABILITY.md, section 2).
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alliance.errors import AllianceError

logger = logging.getLogger(__name__)


def _cache_or(default, operation):
    """`operation()`, or `default` when the cache is unreachable."""
    try:
        return operation()
    except Exception:
        logger.warning("login throttling: cache unreachable, this attempt is not counted")
        return default


class LoginThrottled(AllianceError):
    status = 429
    default_code = "login_throttled"
    default_message = _("Trop de tentatives de connexion échouées.")


def _window() -> int:
    return settings.LOGIN_FAILURE_WINDOW


def _keys(*, username: str, ip: str | None) -> list[tuple[str, int]]:
    """(cache key, limit) pairs; hashed so any username is a valid cache key."""
    keys = []
    name = (username or "").strip().casefold()
    if name:
        digest = hashlib.sha256(name.encode()).hexdigest()
        keys.append((f"login-failures:user:{digest}", settings.LOGIN_FAILURE_LIMIT))
    if ip:
        keys.append((f"login-failures:ip:{ip}", settings.LOGIN_FAILURE_LIMIT_PER_IP))
    return keys


def client_ip(request) -> str | None:
    """The client's address as the ASGI server reports it (daphne `--proxy-headers` puts the
    original address there behind nginx)."""
    return request.META.get("REMOTE_ADDR") or None


def login_check(*, username: str, ip: str | None) -> None:
    """Raise `LoginThrottled` when this username or this address has used up its failures."""
    keys = _keys(username=username, ip=ip)
    counts = _cache_or({}, lambda: cache.get_many([key for key, _limit in keys]))
    if any(counts.get(key, 0) >= limit for key, limit in keys):
        minutes = _window() // 60
        raise LoginThrottled(
            ngettext(
                "Trop de tentatives de connexion échouées. Réessayez dans %(minutes)s minute.",
                "Trop de tentatives de connexion échouées. Réessayez dans %(minutes)s minutes.",
                minutes,
            )
            % {"minutes": minutes},
            details={"retry_after_seconds": _window()},
        )


def _count_failure(key: str) -> None:
    cache.add(key, 0, timeout=_window())  # starts the window at the first failure
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr: start again
        cache.set(key, 1, timeout=_window())


def login_failed(*, username: str, ip: str | None) -> None:
    for key, _limit in _keys(username=username, ip=ip):
        _cache_or(None, lambda key=key: _count_failure(key))


def login_succeeded(*, username: str) -> None:
    for key, _limit in _keys(username=username, ip=None):
        _cache_or(None, lambda key=key: cache.delete(key))
