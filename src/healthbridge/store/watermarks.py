"""Per-model poller watermarks: how far the poller has read each Odoo model.

A watermark only moves inside the same transaction that recorded the changes it covers
(see ``ChangeLog.record_page``), so after a crash the stored watermark never claims a
change the log does not hold.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from healthbridge.canonical.changes import Watermark
from healthbridge.core.clock import Clock, SystemClock
from healthbridge.store.dialects import upsert
from healthbridge.store.schema import capture_watermarks


class Watermarks:
    """The ``capture_watermarks`` table: read, set, list and reset per model."""

    def __init__(self, engine: AsyncEngine, *, clock: Clock | None = None) -> None:
        self._engine = engine
        self._clock = clock or SystemClock()

    async def get(self, model: str) -> Watermark | None:
        """The stored watermark of ``model``, or None when the poller never read it."""
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(
                    select(capture_watermarks).where(capture_watermarks.c.model == model)
                )
            ).one_or_none()
        if row is None:
            return None
        return Watermark(
            model=row.model,
            write_date=row.write_date,
            record_id=row.record_id,
            updated_at=row.updated_at,
        )

    async def all(self) -> list[Watermark]:
        """Every stored watermark, by model name."""
        async with self._engine.connect() as connection:
            rows = (
                await connection.execute(
                    select(capture_watermarks).order_by(capture_watermarks.c.model)
                )
            ).all()
        return [
            Watermark(
                model=row.model,
                write_date=row.write_date,
                record_id=row.record_id,
                updated_at=row.updated_at,
            )
            for row in rows
        ]

    async def set(self, watermark: Watermark) -> None:
        """Store ``watermark`` as it is (an operator's rewind or a test's setup)."""
        async with self._engine.begin() as connection:
            await save_watermark(connection, watermark, self._clock.now())

    async def reset(self, model: str) -> None:
        """Forget ``model``'s watermark, so the next poll reads the model from the start."""
        async with self._engine.begin() as connection:
            await connection.execute(
                delete(capture_watermarks).where(capture_watermarks.c.model == model)
            )


async def save_watermark(
    connection: AsyncConnection, watermark: Watermark, updated_at: datetime
) -> None:
    """Upsert ``watermark`` on ``connection``, inside the caller's transaction."""
    statement = upsert(capture_watermarks, connection.dialect).values(
        model=watermark.model,
        write_date=watermark.write_date,
        record_id=watermark.record_id,
        updated_at=updated_at,
    )
    statement = statement.on_conflict_do_update(
        index_elements=[capture_watermarks.c.model],
        set_={
            "write_date": statement.excluded.write_date,
            "record_id": statement.excluded.record_id,
            "updated_at": statement.excluded.updated_at,
        },
    )
    await connection.execute(statement)
