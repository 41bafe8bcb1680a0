"""The change log: one row per Odoo change, however many times and by whom it was seen.

Odoo sends the same webhook up to 13 times for one create, and the poller re-reads its
overlap window every round. Observations are recorded with an atomic ``INSERT ... ON
CONFLICT DO UPDATE`` on the key ``(model, record_id, write_date)``: the first creates the
row, the rest bump ``seen_count``, merge ``sources`` and widen the seen-at window. No
read-then-write, so concurrent observers cannot create two rows or lose a count.

A poller page is one multi-row statement (a page of 200 rows recorded row by row took
1.5 s on PostgreSQL, round trips and statement building), and a change this log already
recorded from an earlier poller page is not written again: the overlap window the
poller re-reads every round would otherwise rewrite the same rows back to back. Such a
re-read is therefore not counted in ``seen_count``; the first poller sighting of every
change is.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.engine import Dialect, Row
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

ChangeKey = tuple[str, int, datetime]

REMEMBERED_KEYS = 50_000
"""Poller-recorded keys kept in memory; well above what an overlap window re-reads."""


class ChangeLog:
    """The ``odoo_changes`` table: record observations, list what was recorded."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        clock: Clock | None = None,
        remembered_keys: int = REMEMBERED_KEYS,
    ) -> None:
        self._engine = engine
        self._clock = clock or SystemClock()
        self._remembered_keys = remembered_keys
        self._recorded: OrderedDict[ChangeKey, None] = OrderedDict()
        self._saved: dict[str, tuple[datetime, int]] = {}
        """Per model, the watermark position this log last committed."""
        self._listeners: list[Callable[[], None]] = []

    def on_new_changes(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` after each commit that recorded a new change; returns its removal.

        How the relay learns at once that there is something to publish, instead of at
        its next poll. The listener must not block (it runs in the recording task).
        """
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    async def record(self, change: OdooChange) -> bool:
        """Record one observation; True when it is the first of this change."""
        async with self._engine.begin() as connection:
            new = await record_change(connection, change)
        if new:
            self._notify()
        return new

    async def record_page(self, changes: Sequence[OdooChange], watermark: Watermark) -> int:
        """Record a poller page and move ``watermark`` in one transaction; how many were new.

        Either every change of the page and the new watermark are stored, or none is: a
        crash can make the poller repeat a page, never skip one. A page that re-reads only
        recorded changes and leaves the watermark where this log last put it writes nothing.
        """
        fresh = [change for change in changes if change.key not in self._recorded]
        if not fresh and self._saved.get(watermark.model) == watermark.position:
            return 0
        async with self._engine.begin() as connection:
            new = await record_changes(connection, fresh)
            await save_watermark(connection, watermark, self._clock.now())
        self._saved[watermark.model] = watermark.position
        self._remember(fresh)  # only once committed: a rolled-back page is written again
        if new:
            self._notify()
        return new

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    def _remember(self, changes: Sequence[OdooChange]) -> None:
        for change in changes:
            self._recorded[change.key] = None
            self._recorded.move_to_end(change.key)
        while len(self._recorded) > self._remembered_keys:
            self._recorded.popitem(last=False)

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
    return await record_changes(connection, [change]) == 1


@dataclass(slots=True)
class _Merged:
    """The observations of one key within one batch, folded the way the upsert folds them."""

    change: OdooChange
    sources: int
    seen: int
    first_seen_at: datetime
    last_seen_at: datetime

    def add(self, change: OdooChange) -> None:
        self.sources |= SOURCE_BITS[change.source]
        self.seen += 1
        if len(change.changed_fields) > len(self.change.changed_fields):
            self.change = change
        self.first_seen_at = min(self.first_seen_at, change.observed_at)
        self.last_seen_at = max(self.last_seen_at, change.observed_at)


async def record_changes(connection: AsyncConnection, changes: Sequence[OdooChange]) -> int:
    """Upsert observations on ``connection`` (caller's transaction); how many keys are new.

    Observations of one key are folded first: PostgreSQL refuses a statement that updates
    one row twice. A key is new when its stored count equals this batch's count of it.
    """
    merged: dict[ChangeKey, _Merged] = {}
    for change in changes:
        found = merged.get(change.key)
        if found is None:
            merged[change.key] = _Merged(
                change, SOURCE_BITS[change.source], 1, change.observed_at, change.observed_at
            )
        else:
            found.add(change)
    if not merged:
        return 0
    rows = [
        {
            "model": item.change.model,
            "record_id": item.change.record_id,
            "write_date": item.change.write_date,
            "changed_fields": list(item.change.changed_fields),
            "sources": item.sources,
            "seen_count": item.seen,
            "first_seen_at": item.first_seen_at,
            "last_seen_at": item.last_seen_at,
        }
        for item in merged.values()
    ]
    # One statement with a list of rows: SQLAlchemy sends it as multi-row INSERTs
    # ("insertmanyvalues") and compiles it once, not once per page size.
    returned = (await connection.execute(_upsert(connection.dialect), rows)).all()
    new = 0
    for row in returned:
        key = (row.model, row.record_id, to_utc_second(row.write_date))
        if key in merged and int(row.seen_count) == merged[key].seen:
            new += 1
    return new


_STATEMENTS: dict[str, Any] = {}


def _upsert(dialect: Dialect) -> Any:
    """The upsert of one observation row, built once per dialect."""
    found = _STATEMENTS.get(dialect.name)
    if found is None:
        found = _STATEMENTS[dialect.name] = _build_upsert(dialect)
    return found


def _build_upsert(dialect: Dialect) -> Any:
    statement = upsert(odoo_changes, dialect)
    excluded: Any = statement.excluded
    table = odoo_changes.c
    return statement.on_conflict_do_update(
        index_elements=list(_KEY),
        set_={
            "seen_count": table.seen_count + excluded.seen_count,
            "sources": table.sources.op("|")(excluded.sources),
            # Webhooks name the fields they carry and the poller names none: keep the
            # longer list, so the order in which sources arrive does not matter.
            "changed_fields": case(
                (
                    json_array_length(excluded.changed_fields, dialect)
                    > json_array_length(table.changed_fields, dialect),
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
    ).returning(table.model, table.record_id, table.write_date, table.seen_count)


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
