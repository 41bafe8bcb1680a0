"""Ticket records for tier 3 alerts: opened when a burn-rate alert fires, closed when it ends.

At most one open ticket per alert key: opening again while one is open returns it, so an
evaluator that repeats itself after a restart does not pile up duplicates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.store.slo_schema import alert_tickets


@dataclass(frozen=True, slots=True)
class AlertTicket:
    """One ticket record."""

    id: int
    alert_key: str
    integration: str
    slo: str
    summary: str
    status: str
    opened_at: datetime
    closed_at: datetime | None


class AlertTickets:
    """The ``alert_tickets`` table (implements ``TicketSink``)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def open(self, key: str, integration: str, slo: str, summary: str, at: datetime) -> int:
        """Open a ticket for ``key``, or return the id of the one already open."""
        c = alert_tickets.c
        async with self._engine.begin() as connection:
            existing = (
                await connection.execute(select(c.id).where(c.alert_key == key, c.status == "open"))
            ).scalar_one_or_none()
            if existing is not None:
                return int(existing)
            result = await connection.execute(
                alert_tickets.insert()
                .values(
                    alert_key=key,
                    integration=integration,
                    slo=slo,
                    summary=summary,
                    status="open",
                    opened_at=at,
                )
                .returning(c.id)
            )
            return int(result.scalar_one())

    async def close(self, key: str, at: datetime) -> int:
        """Close the open ticket of ``key``; returns how many were closed (0 or 1)."""
        c = alert_tickets.c
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(alert_tickets)
                .where(c.alert_key == key, c.status == "open")
                .values(status="closed", closed_at=at)
            )
        return int(result.rowcount or 0)

    async def list(self, *, status: str | None = None, limit: int = 50) -> Sequence[AlertTicket]:
        """Tickets newest first, optionally only ``open`` or ``closed`` ones."""
        query = select(alert_tickets).order_by(alert_tickets.c.id.desc()).limit(limit)
        if status is not None:
            query = query.where(alert_tickets.c.status == status)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [
            AlertTicket(
                row.id,
                row.alert_key,
                row.integration,
                row.slo,
                row.summary,
                row.status,
                row.opened_at,
                row.closed_at,
            )
            for row in rows
        ]
