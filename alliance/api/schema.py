from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from rest_framework import permissions, serializers


class ErrorSerializer(serializers.Serializer):
    """La forme unique des erreurs de l'API (alliance/api/errors.py)."""

    code = serializers.CharField(help_text="Code stable, en anglais (snake_case).")
    message = serializers.CharField(help_text="Message traduit.")
    details = serializers.DictField(help_text="Précisions, par exemple les erreurs par champ.")


PROJECT_APPS = {"alliance", "proposals", "deliberation", "documents", "assemblies"}


class AutoSchema(BaseAutoSchema):
    """Component names that cannot collide across apps: the app's name, then the serializer's
    qualified name, so `documents.api.DiffView.OutputSerializer` becomes `DocumentsDiffOutput`
    and every view may keep its own nested Input/OutputSerializer.

    Also documents, on every operation, the error answers it can give (all in the `Error`
    shape): 400 when it takes parameters or a body, 401/403 unless anyone may call it,
    404 when its path has parameters or it is paginated, 403/404/409 for a write on behalf of
    someone (services refuse, name missing objects, conflict), 429 when it is throttled, and
    503 everywhere (`database_unavailable`: the database is unreachable). A view's own
    `extend_schema(responses=...)` wins for a status it declares."""

    def get_serializer_name(self, serializer, direction):
        cls = serializer.__class__
        if cls is ErrorSerializer:
            return "Error"
        app = cls.__module__.split(".", 1)[0]
        if app not in PROJECT_APPS or "<locals>" in cls.__qualname__:
            return super().get_serializer_name(serializer, direction)
        name = cls.__qualname__.replace("View.", ".").replace(".", "")
        return f"{app.capitalize()}{name}"

    def _error_statuses(self) -> list[str]:
        statuses = []
        has_input = bool(self._get_parameters()) or self.method in {"POST", "PUT", "PATCH"}
        if has_input:
            statuses.append("400")
        authenticated = bool(self.view.get_authenticators())
        # A write on behalf of someone goes through a service, which may refuse it (403), name
        # an object that does not exist (404) or conflict with the current state (409).
        service_write = authenticated and self.method in {"POST", "PUT", "PATCH", "DELETE"}
        open_to_all = all(
            isinstance(permission, permissions.AllowAny)
            for permission in self.view.get_permissions()
        )
        if not open_to_all and authenticated:
            statuses.append("401")
        if not open_to_all or service_write:
            statuses.append("403")
        paginated = self._is_list_view() and self._get_paginator() is not None
        if "{" in self.path or paginated or service_write:  # also a page past the end
            statuses.append("404")
        if service_write:
            statuses.append("409")
        if self.view.get_throttles():
            statuses.append("429")
        statuses.append("503")  # database_unavailable (alliance/unavailable.py)
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status in self._error_statuses():
            if status not in responses:
                responses[status] = self._get_response_for_code(ErrorSerializer, status)
        return responses
