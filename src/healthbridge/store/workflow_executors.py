"""Worker liveness: each worker records a heartbeat so a survivor can tell who is gone.

DBOS recovers a dead worker's unfinished runs only when asked; the survivor claims a
silent worker here first (one atomic delete), so two survivors never both take over the
same runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.store.dialects import upsert
from healthbridge.store.workflow_schema import workflow_executors


class ExecutorRegistry:
    """The ``workflow_executors`` table: heartbeats, silent workers and their claim."""

    def __init__(self, engine: AsyncEngine, *, clock: Clock | None = None) -> None:
        self._engine = engine
        self._clock = clock or SystemClock()

    async def heartbeat(self, executor_id: str, application_version: str) -> None:
        """Record that ``executor_id`` is alive now."""
        now = self._clock.now()
        async with self._engine.begin() as connection:
            statement = upsert(workflow_executors, connection.dialect).values(
                executor_id=executor_id,
                application_version=application_version,
                started_at=now,
                last_seen_at=now,
            )
            await connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[workflow_executors.c.executor_id],
                    set_={
                        "last_seen_at": statement.excluded.last_seen_at,
                        "application_version": statement.excluded.application_version,
                    },
                )
            )

    async def silent(self, *, longer_than: timedelta, excluding: str) -> list[str]:
        """Executors not seen for ``longer_than``, other than ``excluding``."""
        cutoff = self._clock.now() - longer_than
        async with self._engine.connect() as connection:
            rows = await connection.execute(
                select(workflow_executors.c.executor_id)
                .where(
                    workflow_executors.c.last_seen_at < cutoff,
                    workflow_executors.c.executor_id != excluding,
                )
                .order_by(workflow_executors.c.executor_id)
            )
            return [str(value) for value in rows.scalars()]

    async def claim(self, executor_id: str, *, silent_for: timedelta) -> bool:
        """Take over a silent executor: True for exactly one caller while it stays silent."""
        cutoff = self._clock.now() - silent_for
        async with self._engine.begin() as connection:
            result = await connection.execute(
                delete(workflow_executors).where(
                    workflow_executors.c.executor_id == executor_id,
                    workflow_executors.c.last_seen_at < cutoff,
                )
            )
        return result.rowcount == 1

    async def last_seen(self) -> dict[str, datetime]:
        """Every known executor and when it was last seen."""
        async with self._engine.connect() as connection:
            rows = (await connection.execute(select(workflow_executors))).all()
        return {row.executor_id: row.last_seen_at for row in rows}
