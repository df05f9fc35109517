from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(
    {"anyOf": [{"type": "string", "format": "uri"}, {"type": "string", "maxLength": 0}]}
)
class OptionalURLField(serializers.URLField):
    """A `URLField(blank=True)` of a model: a URL, or "" when there is none."""
