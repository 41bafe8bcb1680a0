"""The event log: each event the webhook fan-out accepted, readable again by its id.

A thin webhook names its event and links to ``/api/v1/events/{id}`` when the event type
has no business route of its own; JetStream cannot find a message by event id, so the
fan-out keeps the envelope here, in the same transaction as the event's deliveries (an
event is in the log exactly when a webhook may link to it). The envelope is stored as
the fan-out received it, already cut to the fan-out's scopes (no ``phi``); the route
projects it again for each caller.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from healthbridge.store.dialects import upsert
from healthbridge.store.schema import JSONDocument, UTCDateTime, metadata

event_log = Table(
    "event_log",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("type", String(255), nullable=False),
    Column("subject", String(512), nullable=True),
    Column("envelope", JSONDocument, nullable=False),
    Column("stored_at", UTCDateTime, nullable=False),
    Index("ix_event_log_stored_at", "stored_at"),
)


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """One logged event: its CloudEvent envelope (structured mode) and when it was stored."""

    id: str
    type: str
    subject: str | None
    envelope: Mapping[str, Any]
    stored_at: datetime


class EventLog:
    """Reads the ``event_log`` table; the fan-out writes it with ``log_events``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def get(self, event_id: str) -> LoggedEvent | None:
        """The event with this CloudEvent id, or None when the hub never fanned it out."""
        query = select(event_log).where(event_log.c.id == event_id)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).one_or_none()
        if row is None:
            return None
        return LoggedEvent(row.id, row.type, row.subject, row.envelope, row.stored_at)


async def log_events(
    connection: AsyncConnection, events: Sequence[Mapping[str, Any]], now: datetime
) -> None:
    """Add ``events`` (CloudEvent dicts with id and type) in the caller's transaction.

    An event logged before (a redelivery) is kept as it was.
    """
    if not events:
        return
    rows = [
        {
            "id": str(event["id"])[:255],
            "type": str(event["type"])[:255],
            "subject": str(event["subject"])[:512] if event.get("subject") else None,
            "envelope": dict(event),
            "stored_at": now,
        }
        for event in events
    ]
    statement = upsert(event_log, connection.dialect).on_conflict_do_nothing(
        index_elements=[event_log.c.id]
    )
    await connection.execute(statement, rows)
