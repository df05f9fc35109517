"""Live thread: `ws/threads/<id>/`. Authenticate, check the right to read, join, relay.

Inbound messages: `{"type": "ping"}` (answered `pong`) and `{"type": "sync", "since": <last
comment id>, "at": <"at" of the last event seen>}` (after a reconnect: the comments written
since, those changed since, then a snapshot of every reaction count).
Anything else gets `{"type": "error", "code", "message"}` and the connection stays open.

Outbound: `comment.created|edited|deleted|hidden|unhidden` (with the comment's HTML per
language), `reactions` (absolute counts), `synced`, `pong`, `error`, and the synthesis's
`synthesis.changed` and `opinion_groups`.
"""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from alliance import rules as base_rules
from alliance.ws import CLOSE_FLOOD, CLOSE_SESSION_REVOKED, DirectDispatch, FloodGuard, person_group
from deliberation import rules
from deliberation.live import comment_message, thread_group
from deliberation.models import Thread
from deliberation.selectors import decorate_for_viewer, thread_comments

MAX_MESSAGE_BYTES = 64 * 1024
# The messages a client may send, each handled by `on_<type>` (the role matrix lists them).
MESSAGE_TYPES = ("ping", "sync")
SYNC_LIMIT = 200


class ThreadConsumer(DirectDispatch, AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.thread_id = int(self.scope["url_route"]["kwargs"]["thread_id"])
        self.group = thread_group(self.thread_id)
        self.flood = FloodGuard()
        if not await self._may_read():
            await self.close(code=4403)
            return
        user = self.scope.get("user")
        self.person_group = person_group(user.pk) if base_rules.is_authenticated(user) else None
        if self.person_group:
            await self.channel_layer.group_add(self.person_group, self.channel_name)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
        if getattr(self, "person_group", None):
            await self.channel_layer.group_discard(self.person_group, self.channel_name)

    @database_sync_to_async
    def _may_read(self) -> bool:
        user = self.scope.get("user")
        thread = Thread.objects.filter(pk=self.thread_id).first()
        return thread is not None and rules.can_read_thread(user, thread)

    # --- Inbound ------------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        verdict = self.flood.admit()
        if verdict == FloodGuard.CLOSE:
            await self._error("rate_limited", _("Trop de messages : patientez quelques secondes."))
            await self.close(code=CLOSE_FLOOD)
            return
        if verdict == FloodGuard.WARN:
            await self._error("rate_limited", _("Trop de messages : patientez quelques secondes."))
        if verdict != FloodGuard.ADMIT:
            return
        raw = text_data if text_data is not None else bytes_data
        if raw is None or len(raw) > MAX_MESSAGE_BYTES:
            await self._error("message_too_large", _("Message trop long (64 Kio au plus)."))
            return
        try:
            content = json.loads(raw)
        except (TypeError, ValueError):
            await self._error("malformed_message", _("Message illisible : JSON attendu."))
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            await self._error("malformed_message", _("Message illisible : objet JSON attendu."))
            return
        kind = content.get("type")
        if kind not in MESSAGE_TYPES:
            await self._error("unknown_type", _("Type de message inconnu."))
            return
        await getattr(self, f"on_{kind}")(content)

    async def on_ping(self, content):
        await self.send_json({"type": "pong"})

    async def on_sync(self, content):
        since, at = content.get("since", 0), content.get("at")
        if isinstance(since, bool) or not isinstance(since, int) or since < 0:
            await self._error("invalid_since", _("« since » doit être un entier positif."))
            return
        changed_after = parse_datetime(at) if isinstance(at, str) else None
        if at is not None and changed_after is None:
            await self._error("invalid_at", _("« at » doit être une date ISO 8601."))
            return
        for message in await self._missed(since, changed_after):
            await self.send_json(message)

    @database_sync_to_async
    def _missed(self, since: int, changed_after) -> list[dict]:
        """Comments written after `since`, then those changed (edited, hidden, deleted) after
        `changed_after`, then every reaction count: the client is right again at once."""
        synced_at = timezone.now()
        comments = list(thread_comments(self.thread_id))
        created = [c for c in comments if c.pk > since][:SYNC_LIMIT]
        changed = [
            c
            for c in comments
            if c.pk <= since and changed_after is not None and c.changed_at > changed_after
        ][:SYNC_LIMIT]
        decorate_for_viewer(created + changed, None)
        messages = [comment_message("comment.created", c) for c in created]
        messages += [comment_message("comment.edited", c) for c in changed]
        messages.append(
            {
                "type": "synced",
                "last": max([since, *(c.pk for c in comments)]),
                "at": synced_at.isoformat(),
                "counts": {str(c.pk): c.reaction_counts for c in comments},
            }
        )
        return messages

    async def _error(self, code: str, message: str):
        await self.send_json({"type": "error", "code": code, "message": str(message)})

    async def session_revoked(self, event):
        """To the person's group (`alliance.services.person_sessions_revoke`)."""
        await self._error("session_revoked", _("Votre session a pris fin : reconnectez-vous."))
        await self.close(code=CLOSE_SESSION_REVOKED)

    # --- Events from the group: relayed as they are -------------------------------------------

    async def _relay(self, event):
        await self.send_json(event)

    comment_created = _relay
    comment_edited = _relay
    comment_deleted = _relay
    comment_hidden = _relay
    comment_unhidden = _relay
    reactions = _relay
    # Sent by the synthesis (deliberation/synthesis) to the same group.
    synthesis_changed = _relay
    opinion_groups = _relay
