"""scenarios models."""

__all__: list[str] = []
