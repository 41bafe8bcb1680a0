"""Placeholder: filled in by the workflows work."""

__all__: list[str] = []
