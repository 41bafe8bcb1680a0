"""The port the HL7 v2 inbound use case keeps its message log through.

Kept apart from ``ports.py`` while the message log settles; adapters implement it in
``store.messages`` and tests may use the same adapter on SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal, Protocol

MessageStatus = Literal["received", "accepted", "error", "rejected"]
"""received on arrival, then accepted (AA), error (AE, may be reprocessed) or rejected (AR)."""


class StoredMessage(Protocol):
    """One inbound message as the log holds it (read-only view)."""

    @property
    def id(self) -> int: ...
    @property
    def sending_application(self) -> str: ...
    @property
    def sending_facility(self) -> str: ...
    @property
    def control_id(self) -> str | None: ...
    @property
    def message_type(self) -> str | None: ...
    @property
    def trigger_event(self) -> str | None: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def raw(self) -> bytes: ...
    @property
    def status(self) -> str: ...
    @property
    def ack(self) -> bytes | None: ...
    @property
    def error_code(self) -> str | None: ...
    @property
    def error_text(self) -> str | None: ...
    @property
    def attempts(self) -> int: ...
    @property
    def reprocessed_from(self) -> int | None: ...


class MessageLogPort(Protocol):
    """Where every inbound HL7 v2 message is kept as received, with its outcome."""

    async def find(
        self, sending_application: str, sending_facility: str, control_id: str
    ) -> StoredMessage | None:
        """The message first received with this key (not a reprocess attempt), or None."""
        ...

    async def get(self, message_id: int) -> StoredMessage | None:
        """The message or attempt with this id, or None."""
        ...

    async def add(
        self,
        *,
        sending_application: str,
        sending_facility: str,
        control_id: str | None,
        message_type: str | None,
        trigger_event: str | None,
        raw: bytes,
        received_at: datetime,
        reprocessed_from: int | None = None,
    ) -> int | None:
        """Store a message with status received; its id, or None when the key was taken."""
        ...

    async def finish(
        self,
        message_id: int,
        status: MessageStatus,
        ack: bytes,
        *,
        error_code: str | None = None,
        error_text: str | None = None,
    ) -> None:
        """Record the outcome and the ACK sent for it."""
        ...

    async def supersede(self, message_id: int, status: MessageStatus, ack: bytes) -> None:
        """A reprocess succeeded or failed: the original takes its status and ACK, attempts+1.

        A sender that resends the original control id then gets the latest ACK.
        """
        ...

    async def latest(
        self, limit: int = 50, *, status: MessageStatus | None = None
    ) -> Sequence[StoredMessage]:
        """The most recently received messages, newest first."""
        ...
