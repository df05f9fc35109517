from drf_spectacular.openapi import AutoSchema as BaseAutoSchema

PROJECT_APPS = {"alliance", "proposals", "deliberation", "documents", "assemblies"}


class AutoSchema(BaseAutoSchema):
    """Component names that cannot collide across apps: the app's name, then the serializer's
    qualified name, so `documents.api.DiffView.OutputSerializer` becomes `DocumentsDiffOutput`
    and every view may keep its own nested Input/OutputSerializer."""

    def get_serializer_name(self, serializer, direction):
        cls = serializer.__class__
        app = cls.__module__.split(".", 1)[0]
        if app not in PROJECT_APPS or "<locals>" in cls.__qualname__:
            return super().get_serializer_name(serializer, direction)
        name = cls.__qualname__.replace("View.", ".").replace(".", "")
        return f"{app.capitalize()}{name}"
