"""WebSocket routes of every app, gathered for asgi.py."""

from assemblies.routing import websocket_urlpatterns as assembly_routes
from deliberation.routing import websocket_urlpatterns as deliberation_routes

websocket_urlpatterns = [*deliberation_routes, *assembly_routes]
