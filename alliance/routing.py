"""WebSocket routes of every app, gathered for asgi.py."""

websocket_urlpatterns: list = []
