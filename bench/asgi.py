"""The product's ASGI application (the very same HTTP and WebSocket stacks as
alliance/asgi.py) plus the bare Channels baseline consumer on `ws/bench/bare/`."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from channels.routing import ProtocolTypeRouter

from alliance.asgi import application as product
from bench.baselines.bare_channels import BareBroadcastConsumer

product_websocket = product.application_mapping["websocket"]
bare_websocket = BareBroadcastConsumer.as_asgi()


async def websocket(scope, receive, send):
    if scope["path"].startswith("/ws/bench/bare/"):
        return await bare_websocket(scope, receive, send)
    return await product_websocket(scope, receive, send)


application = ProtocolTypeRouter(
    {"http": product.application_mapping["http"], "websocket": websocket}
)
