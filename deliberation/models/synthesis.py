"""Synthesis models: pinned points, opinion groups."""

__all__: list[str] = []
