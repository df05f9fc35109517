"""One ASGI application for HTTP and WebSocket, served by daphne."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
try:
    settings.SECRET_KEY  # noqa: B018 (empty without DEBUG: fail at start-up, not at first use)
except ImproperlyConfigured as unset:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.") from unset
django_asgi_app = get_asgi_application()  # populate the app registry before importing consumers

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from alliance import daphne_tuning  # noqa: E402
from alliance.origin import SiteOriginValidator  # noqa: E402
from alliance.routing import websocket_urlpatterns  # noqa: E402

daphne_tuning.install()  # before daphne listens (alliance/daphne_tuning.py)

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # scheme, host and port of the Origin are the site's (alliance/origin.py)
        "websocket": SiteOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
