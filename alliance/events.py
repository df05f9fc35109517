"""Real-time events: the one place that sends to channel-layer groups.

A write commits first and its event leaves after (`transaction.on_commit`), so no event ever
describes data that might roll back. Sending never raises into the caller: if the channel
layer is down (Redis stopped), the write stands and live updates degrade.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def group_send_now(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # the layer may be unreachable; the committed write must stand
        logger.warning("channel layer send to %s failed", group, exc_info=True)


def send_event_on_commit(group: str, message: dict) -> None:
    """Queue `message` for `group`, sent once the current transaction commits."""
    transaction.on_commit(lambda: group_send_now(group, message))
