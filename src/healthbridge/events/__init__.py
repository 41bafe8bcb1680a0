"""Placeholder: filled in by the events work."""

__all__: list[str] = []
