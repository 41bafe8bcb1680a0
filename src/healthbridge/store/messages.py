"""The inbound HL7 v2 message log: raw bytes as received, status, ACK, reprocess links.

Dedupe is the database's job: the unique index on (sending application, sending
facility, control id) among original messages makes a concurrent duplicate fail its
insert, so two copies of one message can never both be processed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.store.message_schema import MESSAGE_STATUSES, hl7_messages

_TEXT_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One row of the log; ``raw`` holds PHI, so show it only when an operator asks."""

    id: int
    sending_application: str
    sending_facility: str
    control_id: str | None
    message_type: str | None
    trigger_event: str | None
    received_at: datetime
    raw: bytes
    status: str
    ack: bytes | None
    error_code: str | None
    error_text: str | None
    attempts: int
    reprocessed_from: int | None


class MessageLog:
    """The ``hl7_messages`` table (implements ``MessageLogPort``)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def find(
        self, sending_application: str, sending_facility: str, control_id: str
    ) -> InboundMessage | None:
        """The original message with this key, or None."""
        table = hl7_messages.c
        query = select(hl7_messages).where(
            table.sending_application == sending_application,
            table.sending_facility == sending_facility,
            table.control_id == control_id,
            table.reprocessed_from.is_(None),
        )
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).one_or_none()
        return None if row is None else _message(row)

    async def get(self, message_id: int) -> InboundMessage | None:
        """The message or attempt with this id, or None."""
        query = select(hl7_messages).where(hl7_messages.c.id == message_id)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).one_or_none()
        return None if row is None else _message(row)

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
        """Insert with status received; None when an original with this key exists."""
        statement = hl7_messages.insert().values(
            sending_application=sending_application,
            sending_facility=sending_facility,
            control_id=control_id,
            message_type=message_type,
            trigger_event=trigger_event,
            received_at=received_at,
            raw=raw,
            status="received",
            attempts=1,
            reprocessed_from=reprocessed_from,
        )
        try:
            async with self._engine.begin() as connection:
                result = await connection.execute(statement.returning(hl7_messages.c.id))
                return int(result.scalar_one())
        except IntegrityError:
            if reprocessed_from is not None:
                raise
            return None

    async def finish(
        self,
        message_id: int,
        status: str,
        ack: bytes,
        *,
        error_code: str | None = None,
        error_text: str | None = None,
    ) -> None:
        """Record the outcome and ACK of one message or attempt."""
        _check(status)
        statement = (
            update(hl7_messages)
            .where(hl7_messages.c.id == message_id)
            .values(
                status=status,
                ack=ack,
                error_code=error_code,
                error_text=error_text[:_TEXT_LIMIT] if error_text else None,
            )
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def supersede(self, message_id: int, status: str, ack: bytes) -> None:
        """The original takes a reprocess attempt's status and ACK; attempts + 1."""
        _check(status)
        statement = (
            update(hl7_messages)
            .where(hl7_messages.c.id == message_id)
            .values(status=status, ack=ack, attempts=hl7_messages.c.attempts + 1)
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def latest(
        self, limit: int = 50, *, status: str | None = None
    ) -> Sequence[InboundMessage]:
        """The ``limit`` most recent messages and attempts, newest first."""
        query = select(hl7_messages).order_by(hl7_messages.c.id.desc()).limit(limit)
        if status is not None:
            query = query.where(hl7_messages.c.status == status)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_message(row) for row in rows]


def _check(status: str) -> None:
    if status not in MESSAGE_STATUSES:
        raise ValueError(f"unknown message status {status!r}")


def _message(row: Row[Any]) -> InboundMessage:
    return InboundMessage(
        id=row.id,
        sending_application=row.sending_application or "",
        sending_facility=row.sending_facility or "",
        control_id=row.control_id,
        message_type=row.message_type,
        trigger_event=row.trigger_event,
        received_at=row.received_at,
        raw=bytes(row.raw),
        status=row.status,
        ack=None if row.ack is None else bytes(row.ack),
        error_code=row.error_code,
        error_text=row.error_text,
        attempts=row.attempts,
        reprocessed_from=row.reprocessed_from,
    )
