"""Adapters to the hub's peers; each connector is independent of the others."""

__all__: list[str] = []
