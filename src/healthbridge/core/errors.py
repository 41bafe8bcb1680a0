"""The root of every error Healthbridge raises on purpose.

Each error has a stable ``code`` that callers, dashboards and runbooks can rely on, and a
``safe_message`` that never contains PHI or secrets: the edges (HTTP, HL7 ACKs, the CLI)
show only that. ``details`` carries structured, non-PHI facts such as a model name or a
setting key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class HealthbridgeError(Exception):
    """Base class: a stable ``code`` plus a message that is safe to show to anyone."""

    code: ClassVar[str] = "healthbridge.error"

    def __init__(self, message: str, *, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.safe_message = message
        self.details: dict[str, Any] = dict(details or {})

    def __str__(self) -> str:
        return self.safe_message

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view for problem documents and logs."""
        return {"code": self.code, "message": self.safe_message, "details": self.details}


class ConfigError(HealthbridgeError):
    """A setting is missing or invalid; the message names the key and how to set it."""

    code = "config.invalid"


class NotFoundError(HealthbridgeError):
    """A record the caller named does not exist in Healthbridge's own store."""

    code = "healthbridge.not_found"


class InvalidRequestError(HealthbridgeError):
    """What the caller sent cannot be accepted as it is; the message says what to change."""

    code = "request.invalid"


class ConflictError(HealthbridgeError):
    """The request contradicts the current state (a reused key, a record in the wrong state)."""

    code = "healthbridge.conflict"


class UnavailableError(HealthbridgeError):
    """A peer the request needs is unavailable; ``details["retry_after"]`` says when to retry."""

    code = "healthbridge.unavailable"
