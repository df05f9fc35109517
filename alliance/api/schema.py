from drf_spectacular.openapi import AutoSchema as BaseAutoSchema


class AutoSchema(BaseAutoSchema):
    """Names nested serializers after their view: `MeView.OutputSerializer` becomes the
    component `MeViewOutput`, so every view may keep its own Input/OutputSerializer."""

    def get_serializer_name(self, serializer, direction):
        qualname = serializer.__class__.__qualname__
        if "." in qualname and "<locals>" not in qualname:
            return qualname.replace("View.", "").replace(".", "")
        return super().get_serializer_name(serializer, direction)
