"""SLI samples: good/total counts per integration, SLO and minute, summed over windows.

A flush adds counts to the minute's row (``ON CONFLICT DO UPDATE good = good + ...``), so
two hub processes flushing the same minute both count. Windows are read in one query
with one conditional sum per window, over at most a few hundred rows (6 hours of minutes).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.observability.sli import SliSample, minute_of
from healthbridge.observability.slo import Counts
from healthbridge.store.dialects import upsert
from healthbridge.store.slo_schema import sli_samples


class SliSamples:
    """The ``sli_samples`` table (implements ``SliSamplesPort``)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, samples: Sequence[SliSample]) -> None:
        """Add each sample's counts to its minute's row, creating the row when new."""
        if not samples:
            return
        rows = [
            {
                "integration": s.integration,
                "slo": s.slo,
                "minute": minute_of(s.minute),
                "good": s.good,
                "total": s.total,
            }
            for s in samples
        ]
        async with self._engine.begin() as connection:
            statement = upsert(sli_samples, connection.dialect)
            statement = statement.on_conflict_do_update(
                index_elements=["integration", "slo", "minute"],
                set_={
                    "good": sli_samples.c.good + statement.excluded.good,
                    "total": sli_samples.c.total + statement.excluded.total,
                },
            )
            await connection.execute(statement, rows)

    async def counts(
        self, integration: str, slo: str, now: datetime, windows: Sequence[timedelta]
    ) -> dict[timedelta, Counts]:
        """Counts over each window ending at ``now``: the minutes starting after ``now - w``.

        The minute ``now`` falls in counts fully, so a window of 5 minutes holds 5 buckets.
        """
        if not windows:
            return {}
        end = minute_of(now)
        starts = {w: end - w + timedelta(minutes=1) for w in windows}
        c = sli_samples.c
        columns = []
        for start in starts.values():
            inside = and_(c.minute >= start, c.minute <= end)
            columns.append(func.coalesce(func.sum(case((inside, c.good), else_=0)), 0))
            columns.append(func.coalesce(func.sum(case((inside, c.total), else_=0)), 0))
        query = select(*columns).where(
            c.integration == integration, c.slo == slo, c.minute >= min(starts.values())
        )
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).one()
        return {
            window: Counts(int(row[2 * i]), int(row[2 * i + 1])) for i, window in enumerate(starts)
        }

    async def objectives(self, since: datetime) -> list[tuple[str, str]]:
        """The (integration, slo) pairs with samples since ``since``, sorted."""
        c = sli_samples.c
        query = (
            select(c.integration, c.slo)
            .where(c.minute >= since)
            .distinct()
            .order_by(c.integration, c.slo)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [(row.integration, row.slo) for row in rows]

    async def prune(self, before: datetime) -> int:
        """Delete samples of minutes before ``before``; returns how many rows went."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                delete(sli_samples).where(sli_samples.c.minute < before)
            )
        return int(result.rowcount or 0)
