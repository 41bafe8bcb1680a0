"""Errors of the MLLP transport: framing, size limits, timeouts and closed connections.

None of them carries message content: an oversized frame keeps its first bytes in
``head`` so the listener can read the MSH for the reject ACK, but ``head`` is never part
of the error's text.
"""

from __future__ import annotations

from typing import ClassVar

from healthbridge.core.errors import HealthbridgeError


class MllpError(HealthbridgeError):
    """Base of every MLLP transport error."""

    code: ClassVar[str] = "mllp.error"


class MllpFrameTooLargeError(MllpError):
    """A frame grew past the configured maximum; the connection must be closed."""

    code: ClassVar[str] = "mllp.frame_too_large"

    def __init__(self, max_message_bytes: int, head: bytes) -> None:
        super().__init__(
            f"MLLP frame exceeds the {max_message_bytes}-byte limit",
            details={"max_message_bytes": max_message_bytes},
        )
        self.max_message_bytes = max_message_bytes
        self.head = head


class MllpTimeoutError(MllpError):
    """No acknowledgement came back in time; the connection was closed to resynchronise."""

    code: ClassVar[str] = "mllp.timeout"


class MllpConnectionError(MllpError):
    """The peer could not be reached, or closed the connection before answering."""

    code: ClassVar[str] = "mllp.connection_closed"
