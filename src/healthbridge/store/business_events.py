"""Business-transaction correlation records: which system did which step of which key, when.

Each area records the step it performed (``purchase_order`` in ``odoo`` as
``purchase.order/17``) under the business key that started the chain. Recording a step
twice (a redelivered event, a replayed workflow) changes nothing: the unique key is
(business key, step, record).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.core.clock import utc_now
from healthbridge.store.slo_schema import business_events

_LIMITS = {"business_key": 200, "step": 64, "system": 64, "record_ref": 200}


@dataclass(frozen=True, slots=True)
class BusinessEventRecord:
    """One step of one business transaction, as recorded."""

    business_key: str
    step: str
    system: str
    record_ref: str
    occurred_at: datetime
    trace_id: str | None


class BusinessEvents:
    """The ``business_events`` table (implements ``BusinessEventsPort``)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def record(
        self,
        business_key: str,
        step: str,
        system: str,
        record_ref: str,
        at: datetime,
        *,
        trace_id: str | None = None,
    ) -> bool:
        """Record one step; False when this step of this key and record was already there."""
        values = {
            "business_key": business_key,
            "step": step,
            "system": system,
            "record_ref": record_ref,
        }
        for column, limit in _LIMITS.items():
            if not values[column] or len(values[column]) > limit:
                raise ValueError(f"{column} must be 1 to {limit} characters")
        statement = business_events.insert().values(
            **values, occurred_at=at, recorded_at=utc_now(), trace_id=trace_id
        )
        try:
            async with self._engine.begin() as connection:
                await connection.execute(statement)
        except IntegrityError:
            return False
        return True

    async def timeline(self, business_key: str) -> Sequence[BusinessEventRecord]:
        """Every recorded step of ``business_key``, oldest first."""
        c = business_events.c
        query = (
            select(c.business_key, c.step, c.system, c.record_ref, c.occurred_at, c.trace_id)
            .where(c.business_key == business_key)
            .order_by(c.occurred_at, c.id)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [
            BusinessEventRecord(
                row.business_key,
                row.step,
                row.system,
                row.record_ref,
                row.occurred_at,
                row.trace_id,
            )
            for row in rows
        ]

    async def recent_keys(self, limit: int = 20) -> Sequence[str]:
        """The business keys with the latest activity, newest first."""
        c = business_events.c
        latest = func.max(c.occurred_at)
        query = select(c.business_key).group_by(c.business_key).order_by(latest.desc()).limit(limit)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [row.business_key for row in rows]
