"""The subscription registry: which consumer subscribed to which event types, with which scopes.

JetStream keeps each subscription's position (its durable consumers); this table keeps
what JetStream does not: the scopes it was granted with, so an operator can see who
receives what, and the CLI can replay a subscription without the worker's code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.store.dialects import upsert
from healthbridge.store.events_schema import event_subscriptions


@dataclass(frozen=True, slots=True)
class SubscriptionRecord:
    """One registered subscription."""

    name: str
    event_types: tuple[str, ...]
    scopes: tuple[str, ...]
    max_deliveries: int
    created_at: datetime
    updated_at: datetime


class Subscriptions:
    """The ``event_subscriptions`` table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def save(
        self,
        name: str,
        *,
        event_types: tuple[str, ...],
        scopes: tuple[str, ...],
        max_deliveries: int,
        at: datetime,
    ) -> None:
        """Register ``name`` or update its types and scopes (idempotent)."""
        async with self._engine.begin() as connection:
            statement = upsert(event_subscriptions, connection.dialect).values(
                name=name,
                event_types=sorted(event_types),
                scopes=sorted(scopes),
                max_deliveries=max_deliveries,
                created_at=at,
                updated_at=at,
            )
            excluded: Any = statement.excluded
            statement = statement.on_conflict_do_update(
                index_elements=[event_subscriptions.c.name],
                set_={
                    "event_types": excluded.event_types,
                    "scopes": excluded.scopes,
                    "max_deliveries": excluded.max_deliveries,
                    "updated_at": excluded.updated_at,
                },
            )
            await connection.execute(statement)

    async def get(self, name: str) -> SubscriptionRecord | None:
        """The subscription called ``name``, or None."""
        query = select(event_subscriptions).where(event_subscriptions.c.name == name)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).one_or_none()
        return None if row is None else _record(row)

    async def all(self) -> list[SubscriptionRecord]:
        """Every subscription, by name."""
        query = select(event_subscriptions).order_by(event_subscriptions.c.name)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_record(row) for row in rows]


def _record(row: Row[Any]) -> SubscriptionRecord:
    return SubscriptionRecord(
        name=row.name,
        event_types=tuple(row.event_types),
        scopes=tuple(row.scopes),
        max_deliveries=row.max_deliveries,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
