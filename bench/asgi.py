"""The product's ASGI stack (same middleware as alliance/asgi.py) plus the bare Channels
baseline consumer."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from alliance.routing import websocket_urlpatterns  # noqa: E402
from bench.baselines.bare_channels import BareBroadcastConsumer  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": URLRouter(
            [
                path("ws/bench/bare/", BareBroadcastConsumer.as_asgi()),
                path(
                    "",
                    AllowedHostsOriginValidator(
                        AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
                    ),
                ),
            ]
        ),
    }
)
