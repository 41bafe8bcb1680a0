"""Placeholder: filled in by the webhooks work."""

__all__: list[str] = []
