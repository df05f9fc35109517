"""The live channel of an assembly, `ws/assemblies/<id>/` (protocol: docs/LIVE_PROTOCOL.md).

Thin on purpose: authenticate (session cookie, or a first `auth` message with an API token),
join the assembly's group, send the state, cast votes through `ballot_cast`, relay the group's
events. Every bad message answers an `error` with a stable code and keeps the connection;
only a missing authentication, an unknown assembly and a flood close it.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from types import SimpleNamespace

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from alliance import rules as base_rules
from alliance import unavailable
from alliance.errors import AllianceError
from alliance.per_loop import PerLoop
from alliance.ws import CLOSE_FLOOD, CLOSE_SESSION_REVOKED, DirectDispatch, FloodGuard, person_group
from assemblies import fanout, ids, vote_queue
from assemblies.casting import BallotRequest
from assemblies.models import Assembly
from assemblies.rules import can_view_assembly
from assemblies.selectors import assembly_state

logger = logging.getLogger(__name__)

# Close codes (4000-4999 are the application's own range).
CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_UNAVAILABLE = 4503  # the database is unreachable: reconnect with backoff

MAX_MESSAGE_BYTES = 64 * 1024
# The messages a client may send, each handled by `on_<type>` (the role matrix lists them).
MESSAGE_TYPES = ("auth", "vote", "sync", "ping")
MAX_REQUEST_ID = 100

MESSAGES = {
    "invalid_json": _("Le message n'est pas du JSON valide."),
    "invalid_message": _("Le message est mal formé."),
    "unknown_type": _("Type de message inconnu."),
    "message_too_large": _("Le message dépasse la taille autorisée (64 Kio)."),
    "rate_limited": _("Trop de messages : patientez quelques secondes."),
    "not_authenticated": _("Connectez-vous pour suivre cette assemblée."),
    "already_authenticated": _("Cette connexion est déjà authentifiée."),
    "forbidden": _("Vous ne pouvez pas suivre cette assemblée."),
    "session_revoked": _("Votre session a pris fin : reconnectez-vous."),
    "assembly_not_found": _("Cette assemblée n'existe pas."),
    "poll_not_found": _("Ce vote n'existe pas dans cette assemblée."),
    "database_unavailable": unavailable.MESSAGE,
    "server_error": _(
        "Une erreur est survenue : réessayez (un vote déjà enregistré ne sera pas compté deux fois)."
    ),
}


# The `database_unavailable` answer to a vote says what to do with it.
VOTE_DATABASE_UNAVAILABLE = _(
    "La base de données est momentanément indisponible : renvoyez votre vote dans quelques "
    "instants (un vote déjà enregistré ne sera pas compté deux fois)."
)


def auth_timeout() -> float:
    """Seconds a connection without a session has to send its `auth` message."""
    return float(getattr(settings, "LIVE_AUTH_TIMEOUT", 5.0))


class BadMessage(Exception):
    def __init__(self, code: str, request_id=None):
        self.code = code
        self.request_id = request_id


def _is_id(value) -> bool:
    return ids.is_id(value)  # in 1..2**63-1: bools, floats, NaN and Infinity are refused


def parse_message(text: str) -> dict:
    """The decoded message, its shape checked; raises `BadMessage` with the error code."""
    if len(text) > MAX_MESSAGE_BYTES or len(text.encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise BadMessage("message_too_large")
    try:
        content = json.loads(text)
    except ValueError:
        raise BadMessage("invalid_json") from None
    if not isinstance(content, dict) or not isinstance(content.get("type"), str):
        raise BadMessage("invalid_message")
    request_id = content.get("request_id")
    if request_id is not None and not (
        isinstance(request_id, str) and 0 < len(request_id) <= MAX_REQUEST_ID
    ):
        raise BadMessage("invalid_message")
    kind = content["type"]
    if kind not in MESSAGE_TYPES:
        raise BadMessage("unknown_type", request_id)
    if kind == "auth" and not (
        isinstance(content.get("token"), str) and 0 < len(content["token"]) <= 128
    ):
        raise BadMessage("invalid_message", request_id)
    if kind == "vote" and not (
        _is_id(content.get("poll")) and _is_id(content.get("organisation")) and "choice" in content
    ):
        raise BadMessage("invalid_message", request_id)
    return content


def _language(scope) -> str:
    """The language of the page that opened the socket: language cookie, then Accept-Language."""
    headers = dict(scope.get("headers") or [])
    shim = SimpleNamespace(
        COOKIES=scope.get("cookies") or {},
        META={"HTTP_ACCEPT_LANGUAGE": headers.get(b"accept-language", b"").decode("latin-1")},
    )
    return translation.get_language_from_request(shim, check_path=False)


# --- Database work (each call runs in a worker thread) ----------------------------------------


@database_sync_to_async
def user_for_token(key: str):
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not base_rules.is_authenticated(token.user):
        return None
    return token.user


@database_sync_to_async
def load_assembly(assembly_id: int, user):
    """(assembly, None) or (None, error code)."""
    assembly = Assembly.objects.filter(pk=assembly_id).first()
    if assembly is None:
        return None, "assembly_not_found"
    if not can_view_assembly(user):
        return None, "forbidden"
    return assembly, None


@database_sync_to_async
def read_state(assembly) -> dict:
    return assembly_state(assembly)


_state_reads: PerLoop[dict[int, asyncio.Future]] = PerLoop(dict)


async def shared_state(assembly) -> dict:
    """The assembly's state; connections asking while a read is in flight share that read.
    When a room of delegates connects or reconnects at once, the database then answers a
    handful of reads instead of one per delegate (the reads queue on the one thread Channels
    gives the ORM). Nothing is reused once read: a connection joins the group before asking,
    so whatever commits after the shared read started reaches it as an event."""
    reads = _state_reads.get()
    future = reads.get(assembly.pk)
    if future is None:
        future = reads[assembly.pk] = asyncio.ensure_future(read_state(assembly))
        future.add_done_callback(lambda _done: reads.pop(assembly.pk, None))
    state = await asyncio.shield(future)
    return copy.deepcopy(state)  # each connection adjusts the tallies of its own copy


async def cast_vote(*, assembly_id: int, user, content: dict) -> dict:
    """Cast the ballot with the process's other live votes (`assemblies/vote_queue.py`) and
    shape the `vote.ack`; domain errors propagate as `AllianceError` (an unknown CAE is one
    the user may not vote for: `not_entitled`; a poll of another assembly: `poll_not_found`)."""
    result = await vote_queue.cast(
        BallotRequest(
            poll=content["poll"],
            organisation=content["organisation"],
            actor=user,
            choice=content["choice"],
            request_id=content.get("request_id"),
            assembly=assembly_id,
        )
    )
    return {
        "type": "vote.ack",
        "poll": result.poll,
        "organisation": result.organisation,
        "receipt": result.receipt,
        "seq": result.seq,
        "request_id": content.get("request_id"),
    }


# --- The consumer -----------------------------------------------------------------------------


class AssemblyConsumer(DirectDispatch, AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.assembly_id = int(self.scope["url_route"]["kwargs"]["assembly_id"])
        self.language = _language(self.scope)
        self.user = None
        self.assembly = None
        self.group = None
        self.accepted = False
        self.closing = False
        self.auth_timer = None
        self.authenticating = False
        self.flood = FloodGuard()
        self.last_tally: dict[int, dict] = {}  # poll id -> last tally sent to this client
        user = self.scope.get("user")
        if base_rules.is_authenticated(user):
            await self.start(user)
            return
        await self.accept()
        self.accepted = True
        self.auth_timer = asyncio.create_task(self.expire_unauthenticated())

    async def start(self, user) -> None:
        """Join the assembly's group (before accepting, when not yet accepted), send the state.
        Without the database the connection cannot start: `database_unavailable`, then close
        4503; the client reconnects with its usual backoff."""
        try:
            await self.join(user)
        except Exception as error:
            if not unavailable.is_database_unavailable(error):
                raise
            if not self.accepted:
                await self.accept()
                self.accepted = True
            await self.refuse("database_unavailable", CLOSE_UNAVAILABLE)

    async def join(self, user) -> None:
        assembly, error = await load_assembly(self.assembly_id, user)
        if error:
            # Accept first so that the client sees the reason and the close code.
            if not self.accepted:
                await self.accept()
            close_code = CLOSE_NOT_FOUND if error == "assembly_not_found" else CLOSE_FORBIDDEN
            await self.refuse(error, close_code)
            return
        self.user, self.assembly, self.group = user, assembly, assembly.group_name
        await self.channel_layer.group_add(person_group(user.pk), self.channel_name)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await fanout.watch(self.assembly_id, self)  # tallies come through the process's relay
        if hasattr(self.channel_layer, "notify_on_restore"):  # Redis: see alliance/layers.py
            self.channel_layer.notify_on_restore(self.channel_name)
        if not self.accepted:
            await self.accept()
            self.accepted = True
        await self.send_state()

    async def expire_unauthenticated(self) -> None:
        await asyncio.sleep(auth_timeout())
        if self.user is None:
            await self.refuse("not_authenticated", CLOSE_NOT_AUTHENTICATED)

    async def refuse(self, code: str, close_code: int) -> None:
        self.closing = True
        await self.send_error(code)
        await self.close(code=close_code)

    async def disconnect(self, code):
        if self.auth_timer is not None:
            self.auth_timer.cancel()
        if self.group is not None:
            await fanout.unwatch(self.assembly_id, self)
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_discard(person_group(self.user.pk), self.channel_name)
            self.group = None

    # --- From the client ---------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if self.closing:
            return  # frames still in flight after the close are not answered
        verdict = self.flood.admit()
        if verdict == FloodGuard.CLOSE:
            await self.refuse("rate_limited", CLOSE_FLOOD)
        elif verdict == FloodGuard.WARN:
            await self.send_error("rate_limited")
        if verdict != FloodGuard.ADMIT:
            return
        try:
            if text_data is None:
                raise BadMessage("invalid_message")
            content = parse_message(text_data)
        except BadMessage as bad:
            await self.send_error(bad.code, bad.request_id)
            return
        await getattr(self, "on_" + content["type"])(content)

    async def on_auth(self, content):
        if self.user is not None or self.authenticating:
            await self.send_error("already_authenticated", content.get("request_id"))
            return
        # The deadline is for *sending* the token: once it is here, a slow lookup (thousands of
        # delegates connecting at once) must not turn into a refusal.
        self.authenticating = True
        self.auth_timer.cancel()
        try:
            user = await user_for_token(content["token"])
        except Exception as error:
            if not unavailable.is_database_unavailable(error):
                raise
            await self.refuse("database_unavailable", CLOSE_UNAVAILABLE)
            return
        if user is None:
            await self.refuse("not_authenticated", CLOSE_NOT_AUTHENTICATED)
            return
        await self.start(user)

    async def on_ping(self, content):
        await self.send_json({"type": "pong", "request_id": content.get("request_id")})

    async def on_sync(self, content):
        if not await self.require_auth():
            return
        try:
            await self.send_state()
        except Exception as error:
            if not unavailable.is_database_unavailable(error):
                raise
            await self.send_error("database_unavailable", content.get("request_id"))

    async def on_vote(self, content):
        if not await self.require_auth():
            return
        request_id = content.get("request_id")
        try:
            ack = await cast_vote(assembly_id=self.assembly_id, user=self.user, content=content)
        except AllianceError as error:
            await self.send_error(error.code, request_id, error.message)
            return
        except Exception as error:  # the database gone, or a bug: the client must try again
            if unavailable.is_database_unavailable(error):
                logger.warning("live vote: database unavailable")
                await self.send_error("database_unavailable", request_id, VOTE_DATABASE_UNAVAILABLE)
                return
            logger.exception("live vote failed")
            await self.send_error("server_error", request_id)
            return
        await self.send_json(ack)

    async def require_auth(self) -> bool:
        if self.user is None:
            await self.refuse("not_authenticated", CLOSE_NOT_AUTHENTICATED)
            return False
        return True

    async def send_error(self, code: str, request_id=None, message=None) -> None:
        with translation.override(self.language):
            text = str(message if message is not None else MESSAGES.get(code, code))
        await self.send_json(
            {"type": "error", "code": code, "message": text, "request_id": request_id}
        )

    async def send_state(self) -> None:
        state = await shared_state(self.assembly)
        for poll in state["polls"]:
            newer = self.last_tally.get(poll["id"])
            if newer is not None and newer["seq"] > poll["tally"]["seq"]:
                poll["tally"] = newer  # never show a client an older snapshot than it has
            else:
                self.last_tally[poll["id"]] = poll["tally"]
        await self.send_json(state)

    # --- From the assembly's group (one handler per event type; tallies: see fanout.py) -------

    async def poll_opened(self, event):
        await self.send_json(event)

    async def poll_closed(self, event):
        await self.send_json(event)

    async def poll_result(self, event):
        await self.send_json(event)

    async def attendance(self, event):
        await self.send_json(event)

    async def session_revoked(self, event):
        """To the person's group (`alliance.services.person_sessions_revoke`)."""
        if not self.closing:
            await self.refuse("session_revoked", CLOSE_SESSION_REVOKED)

    async def layer_restored(self, event):
        """Redis came back (alliance/layers.py): events sent during the outage were lost, so
        the client gets the whole truth again."""
        try:
            await self.send_state()
        except Exception as error:
            if not unavailable.is_database_unavailable(error):
                raise
