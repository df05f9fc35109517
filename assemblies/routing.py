"""WebSocket routes of the assemblies area (gathered in alliance/routing.py)."""

from django.urls import path

from assemblies.consumers import AssemblyConsumer

websocket_urlpatterns = [
    path("ws/assemblies/<int:assembly_id>/", AssemblyConsumer.as_asgi()),
]
