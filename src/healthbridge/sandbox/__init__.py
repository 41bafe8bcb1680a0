"""Peer sandboxes for tests and the demo; imported by nothing but the CLI and tests."""

__all__: list[str] = []
