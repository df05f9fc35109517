"""Sign-in throttling, shared by the login page, the admin's login page and
`POST /api/auth/token/`; and the limit on password reset requests.

Who is counted. Failures are counted in Django's cache (Redis in the scale-out deployment, so
every daphne process sees the same counts), in a window that starts at the first failure:

- per (username, client address): `LOGIN_FAILURE_LIMIT` (5) failures lock that pair. The same
  username from another address is not locked: an outsider failing for 'delegue' cannot stop
  the delegate typing the right password from elsewhere.
- per client address: `LOGIN_FAILURE_LIMIT_PER_IP` (100) failures lock the address, for every
  username, the right password included: without that, one address could try a list of
  usernames and passwords (credential stuffing) at 5 tries a username. A success forgives the
  failures its own pair had counted against the address, so a venue behind one public address
  where each of 300 delegates mistypes once and then types the right password never reaches
  the limit; the count there is the failures not yet followed by a success. 100 such failures
  at once (or a stuffing attempt) lock the address; the secretariat lifts it
  (`frontend:login_locks`).

While a pair or address is locked every attempt is refused with `login_throttled` (429) and the
password is not checked. There is no lock per username alone: it would let anyone lock anyone.

The client address is `client_ip()`: `X-Forwarded-For` only when the request came from a
`TRUSTED_PROXIES` address, else the connection's own address.

Locks are listed for the secretariat from an index kept in the cache (one key, a dict of the
locks tripped in the last window). It is written only when a lock trips, so a lost update
between two locks tripping in the same instant can only hide a lock from the list; the lever
by username and address still lifts it. No table: a lock lives exactly as long as its count.

If the cache is unreachable (Redis stopped), sign-in still works, unthrottled, and a warning is
logged: delegates must be able to sign in during an assembly; the outage is short and logged
(docs/RELIABILITY.md, section 2).
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import logging
import time

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alliance.errors import AllianceError

logger = logging.getLogger(__name__)

INDEX_KEY = "login-locks:index"


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


class PasswordResetThrottled(AllianceError):
    status = 429
    default_code = "too_many_attempts"
    default_message = _("Trop de demandes de réinitialisation.")


# --- The client's address ----------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str | None:
    """The client's address. `REMOTE_ADDR`, unless it is a trusted proxy (`TRUSTED_PROXIES`):
    then the right-most `X-Forwarded-For` entry that is not itself a trusted proxy. A client
    cannot choose its address by sending the header: nobody's header is read but a proxy's,
    and the entries a client wrote are left of those its proxies added."""
    remote = request.META.get("REMOTE_ADDR") or None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not remote or not forwarded or not _trusted(remote):
        return remote
    entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
    for entry in reversed(entries):
        try:
            ipaddress.ip_address(entry)
        except ValueError:
            return remote  # not an address our proxy wrote: count the proxy's own
        if not _trusted(entry):
            return entry
    return entries[0] if entries else remote


# --- Counting ----------------------------------------------------------------------------------


def _window() -> int:
    return settings.LOGIN_FAILURE_WINDOW


def normalise_username(username: str) -> str:
    return (username or "").strip().casefold()


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _pair_key(name: str, ip: str | None) -> str:
    """Hashed so any username is a valid cache key."""
    return f"login-failures:pair:{_digest(name, ip or '')}"


def _address_key(ip: str) -> str:
    return f"login-failures:ip:{ip}"


def _keys(*, username: str, ip: str | None) -> list[tuple[str, int]]:
    """(cache key, limit) pairs of this attempt."""
    keys = []
    name = normalise_username(username)
    if name:
        keys.append((_pair_key(name, ip), settings.LOGIN_FAILURE_LIMIT))
    if ip:
        keys.append((_address_key(ip), settings.LOGIN_FAILURE_LIMIT_PER_IP))
    return keys


def _refused_message(window: int):
    minutes = max(1, window // 60)
    return ngettext(
        "Trop de tentatives de connexion échouées. Réessayez dans %(minutes)s minute.",
        "Trop de tentatives de connexion échouées. Réessayez dans %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}


def login_check(*, username: str, ip: str | None) -> None:
    """Raise `LoginThrottled` when this (username, address) pair or this address has used up
    its failures."""
    keys = _keys(username=username, ip=ip)
    counts = _cache_or({}, lambda: cache.get_many([key for key, _limit in keys]))
    if any(counts.get(key, 0) >= limit for key, limit in keys):
        raise LoginThrottled(
            _refused_message(_window()), details={"retry_after_seconds": _window()}
        )


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)  # starts the window at the first failure
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: start again
        cache.set(key, 1, timeout=window)
        return 1


def _index_add(key: str, entry: dict) -> None:
    now = time.time()
    index = {k: v for k, v in (cache.get(INDEX_KEY) or {}).items() if v["until"] > now}
    index[key] = {**entry, "until": now + _window()}
    cache.set(INDEX_KEY, index, timeout=_window())


def login_failed(*, username: str, ip: str | None) -> None:
    name = normalise_username(username)
    for key, limit in _keys(username=username, ip=ip):
        count = _cache_or(0, lambda key=key: _count(key, _window()))
        if count == limit:
            pair = key.startswith("login-failures:pair:")
            logger.warning("sign-in locked: %s", "a username at one address" if pair else ip)
            entry = {"username": name if pair else "", "ip": ip or ""}
            _cache_or(None, lambda key=key, entry=entry: _index_add(key, entry))


def _forgive(pair: str, address: str | None) -> None:
    failures = cache.get(pair) or 0
    cache.delete(pair)
    if address and failures:
        try:
            if cache.decr(address, failures) < 0:
                cache.set(address, 0, timeout=_window())
        except ValueError:  # the address's window has passed
            pass


def login_succeeded(*, username: str, ip: str | None) -> None:
    """Clear the pair's count and take its failures off the address's count (a venue's
    delegates who mistyped once and then signed in leave nothing against the address). An
    address's count is never cleared by a success: one valid account must not reset the budget
    of someone trying many usernames from that address."""
    name = normalise_username(username)
    if not name:
        return
    pair, address = _pair_key(name, ip), (_address_key(ip) if ip else None)
    _cache_or(None, lambda: _forgive(pair, address))


# --- The secretariat's lever -------------------------------------------------------------------


def login_locks() -> list[dict]:
    """The locks in force, newest first: `username` ("" for an address lock), `ip`, `until`
    (a timestamp). From the cache's index, so a lock that index missed is not listed."""
    index = _cache_or({}, lambda: cache.get(INDEX_KEY) or {})
    counts = _cache_or({}, lambda: cache.get_many(list(index)))
    locks = []
    for key, entry in index.items():
        limit = (
            settings.LOGIN_FAILURE_LIMIT
            if entry["username"]
            else settings.LOGIN_FAILURE_LIMIT_PER_IP
        )
        if counts.get(key, 0) >= limit and entry["until"] > time.time():
            locks.append(entry)
    return sorted(locks, key=lambda entry: entry["until"], reverse=True)


def login_lock_lift(*, username: str, ip: str) -> bool:
    """Lift the lock of (username, ip), or of the address `ip` when `username` is empty.
    Whether there was a count to clear."""
    name = normalise_username(username)
    ip = (ip or "").strip()
    if not ip:
        return False
    key = _pair_key(name, ip) if name else _address_key(ip)

    def lift():
        existed = cache.get(key) is not None
        cache.delete(key)
        index = cache.get(INDEX_KEY) or {}
        if index.pop(key, None) is not None:
            cache.set(INDEX_KEY, index, timeout=_window())
        return existed

    return bool(_cache_or(False, lift))


# --- Forms -------------------------------------------------------------------------------------


class ThrottledLoginFormMixin:
    """For Django's `AuthenticationForm` (the login page, the admin's): refused for a while
    after repeated failures. `throttled` tells the view to answer 429."""

    throttled = False

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        try:
            login_check(username=username, ip=ip)
        except LoginThrottled as exc:
            self.throttled = True
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        try:
            cleaned = super().clean()
        except forms.ValidationError as exc:
            # A right password the admin refuses (not staff) is not a guess: not counted.
            if exc.code == "invalid_login" and self.get_user() is None:
                login_failed(username=username, ip=ip)
            raise
        login_succeeded(username=username, ip=ip)
        return cleaned


def throttled_response(response):
    """A login page answer: 429 with `Retry-After` when its form was throttled."""
    form = (getattr(response, "context_data", None) or {}).get("form")
    if getattr(form, "throttled", False):
        response.status_code = 429
        response["Retry-After"] = str(_window())
    return response


# --- Password reset requests -------------------------------------------------------------------


def password_reset_check_and_count(*, email: str, ip: str | None) -> None:
    """Count one password reset request, per address and per email (whether or not an account
    has that email, so the answer never tells); raise `PasswordResetThrottled` when either is
    over its limit in `PASSWORD_RESET_WINDOW` (the request is then not sent)."""
    window = settings.PASSWORD_RESET_WINDOW
    keys = []
    address = (email or "").strip().casefold()
    if address:
        keys.append(
            (f"reset-requests:email:{_digest(address)}", settings.PASSWORD_RESET_LIMIT_PER_EMAIL)
        )
    if ip:
        keys.append((f"reset-requests:ip:{ip}", settings.PASSWORD_RESET_LIMIT_PER_IP))
    counts = [(_cache_or(0, lambda key=key: _count(key, window)), limit) for key, limit in keys]
    if any(count > limit for count, limit in counts):
        minutes = max(1, window // 60)
        raise PasswordResetThrottled(
            ngettext(
                "Trop de demandes de réinitialisation. Réessayez dans %(minutes)s minute.",
                "Trop de demandes de réinitialisation. Réessayez dans %(minutes)s minutes.",
                minutes,
            )
            % {"minutes": minutes},
            details={"retry_after_seconds": window},
        )
