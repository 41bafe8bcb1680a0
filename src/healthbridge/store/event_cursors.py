"""Relay cursors: how far each relay has published the change log (by change row id).

The relay saves its cursor only after JetStream acknowledged every event up to it, so a
relay killed mid-way starts again at or before what it published; the repeats carry the
same ``Nats-Msg-Id`` and JetStream drops them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.store.dialects import upsert
from healthbridge.store.events_schema import event_relay_cursors


class RelayCursors:
    """The ``event_relay_cursors`` table (implements ``RelayCursorPort``)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def get(self, name: str) -> int:
        """The last change id the relay ``name`` published (0 when it never ran)."""
        query = select(event_relay_cursors.c.position).where(event_relay_cursors.c.name == name)
        async with self._engine.connect() as connection:
            value = (await connection.execute(query)).scalar_one_or_none()
        return 0 if value is None else int(value)

    async def save(self, name: str, position: int, at: datetime) -> None:
        """Move the cursor of ``name`` to ``position``."""
        async with self._engine.begin() as connection:
            statement = upsert(event_relay_cursors, connection.dialect).values(
                name=name, position=position, updated_at=at
            )
            excluded: Any = statement.excluded
            statement = statement.on_conflict_do_update(
                index_elements=[event_relay_cursors.c.name],
                set_={"position": excluded.position, "updated_at": excluded.updated_at},
            )
            await connection.execute(statement)
