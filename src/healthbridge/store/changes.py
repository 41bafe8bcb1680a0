"""The change log: one row per Odoo change, however many times and by whom it was seen.

Odoo sends the same webhook up to 13 times for one create, and the poller re-reads its
overlap window every round. Each observation is an atomic ``INSERT ... ON CONFLICT DO
UPDATE`` on the key ``(model, record_id, write_date)``: the first creates the row, the
rest bump ``seen_count``, merge ``sources`` and widen the seen-at window. No read-then-
write, so concurrent observers cannot create two rows or lose a count.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from healthbridge.canonical.changes import (
    SOURCE_BITS,
    OdooChange,
    RecordedChange,
    Watermark,
    sources_from_bits,
    to_utc_second,
)
from healthbridge.core.clock import Clock, SystemClock
from healthbridge.store.dialects import json_array_length, upsert
from healthbridge.store.schema import odoo_changes
from healthbridge.store.watermarks import save_watermark

_KEY = (odoo_changes.c.model, odoo_changes.c.record_id, odoo_changes.c.write_date)


class ChangeLog:
    """The ``odoo_changes`` table: record observations, list what was recorded."""

    def __init__(self, engine: AsyncEngine, *, clock: Clock | None = None) -> None:
        self._engine = engine
        self._clock = clock or SystemClock()

    async def record(self, change: OdooChange) -> bool:
        """Record one observation; True when it is the first of this change."""
        async with self._engine.begin() as connection:
            return await record_change(connection, change)

    async def record_page(self, changes: Sequence[OdooChange], watermark: Watermark) -> int:
        """Record a poller page and move ``watermark`` in one transaction; how many were new.

        Either every change of the page and the new watermark are stored, or none is: a
        crash can make the poller repeat a page, never skip one.
        """
        async with self._engine.begin() as connection:
            new = 0
            for change in changes:
                new += await record_change(connection, change)
            await save_watermark(connection, watermark, self._clock.now())
        return new

    async def get(self, model: str, record_id: int, write_date: datetime) -> RecordedChange | None:
        """The recorded change with this key, or None."""
        query = select(odoo_changes).where(
            odoo_changes.c.model == model,
            odoo_changes.c.record_id == record_id,
            odoo_changes.c.write_date == to_utc_second(write_date),
        )
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).one_or_none()
        return None if row is None else _recorded(row)

    async def latest(self, limit: int = 50, *, model: str | None = None) -> list[RecordedChange]:
        """The ``limit`` most recently recorded changes, newest first."""
        query = select(odoo_changes).order_by(odoo_changes.c.id.desc()).limit(limit)
        if model is not None:
            query = query.where(odoo_changes.c.model == model)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_recorded(row) for row in rows]

    async def since(
        self, after_id: int = 0, *, limit: int = 100, model: str | None = None
    ) -> list[RecordedChange]:
        """Changes recorded after the row ``after_id``, oldest first: a cursor for consumers.

        Ids are taken at insert time and concurrent transactions may commit out of id
        order, so a consumer that must never skip a row should re-read a short window
        behind its cursor and dedupe on ``key``.
        """
        query = (
            select(odoo_changes)
            .where(odoo_changes.c.id > after_id)
            .order_by(odoo_changes.c.id)
            .limit(limit)
        )
        if model is not None:
            query = query.where(odoo_changes.c.model == model)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_recorded(row) for row in rows]

    async def count(self, *, model: str | None = None) -> int:
        """How many distinct changes are recorded (of ``model``, when given)."""
        query = select(func.count()).select_from(odoo_changes)
        if model is not None:
            query = query.where(odoo_changes.c.model == model)
        async with self._engine.connect() as connection:
            return int((await connection.execute(query)).scalar_one())


async def record_change(connection: AsyncConnection, change: OdooChange) -> bool:
    """Upsert one observation on ``connection`` (caller's transaction); True when new."""
    statement = upsert(odoo_changes, connection.dialect).values(
        model=change.model,
        record_id=change.record_id,
        write_date=change.write_date,
        changed_fields=list(change.changed_fields),
        sources=SOURCE_BITS[change.source],
        seen_count=1,
        first_seen_at=change.observed_at,
        last_seen_at=change.observed_at,
    )
    excluded: Any = statement.excluded
    table = odoo_changes.c
    statement = statement.on_conflict_do_update(
        index_elements=list(_KEY),
        set_={
            "seen_count": table.seen_count + 1,
            "sources": table.sources.op("|")(excluded.sources),
            # Webhooks name the fields they carry and the poller names none: keep the
            # longer list, so the order in which sources arrive does not matter.
            "changed_fields": case(
                (
                    json_array_length(excluded.changed_fields, connection.dialect)
                    > json_array_length(table.changed_fields, connection.dialect),
                    excluded.changed_fields,
                ),
                else_=table.changed_fields,
            ),
            "first_seen_at": case(
                (excluded.first_seen_at < table.first_seen_at, excluded.first_seen_at),
                else_=table.first_seen_at,
            ),
            "last_seen_at": case(
                (excluded.last_seen_at > table.last_seen_at, excluded.last_seen_at),
                else_=table.last_seen_at,
            ),
        },
    ).returning(table.seen_count)
    seen_count = (await connection.execute(statement)).scalar_one()
    return int(seen_count) == 1


def _recorded(row: Row[Any]) -> RecordedChange:
    return RecordedChange(
        id=row.id,
        model=row.model,
        record_id=row.record_id,
        write_date=row.write_date,
        changed_fields=tuple(row.changed_fields or ()),
        sources=sources_from_bits(row.sources),
        seen_count=row.seen_count,
        first_seen_at=row.first_seen_at,
        last_seen_at=row.last_seen_at,
    )
