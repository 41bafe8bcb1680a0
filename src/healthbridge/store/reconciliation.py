"""The batch mirror and the reconciliation reports, with each difference stored row by row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Row, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.store.dialects import upsert
from healthbridge.store.workflow_schema import (
    batch_mirror,
    reconciliation_differences,
    reconciliation_reports,
)


@dataclass(frozen=True, slots=True)
class MirroredRecord:
    """One record as the mirror holds it."""

    record_id: int
    record_hash: str
    values: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class StoredDifference:
    """One difference of a stored report, with both sides."""

    record_id: int
    kind: str
    source_hash: str | None
    target_hash: str | None
    source_values: Mapping[str, Any] | None
    target_values: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True)
class StoredReport:
    """A stored reconciliation report and its differences."""

    id: int | None
    run_id: str
    model: str
    started_at: datetime
    finished_at: datetime
    source_count: int
    target_count: int
    matched: int
    applied: int
    differences: tuple[StoredDifference, ...] = field(default=())


class RecordLike(Protocol):
    """What ``apply`` reads from each record to upsert."""

    @property
    def record_id(self) -> int: ...
    @property
    def record_hash(self) -> str: ...
    @property
    def values(self) -> Mapping[str, Any]: ...


class DifferenceLike(Protocol):
    """What ``save`` reads from each difference."""

    @property
    def record_id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def source_hash(self) -> str | None: ...
    @property
    def target_hash(self) -> str | None: ...
    @property
    def source_values(self) -> Mapping[str, Any] | None: ...
    @property
    def target_values(self) -> Mapping[str, Any] | None: ...


class ReportLike(Protocol):
    """What ``save`` reads from a report."""

    @property
    def run_id(self) -> str: ...
    @property
    def model(self) -> str: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def finished_at(self) -> datetime: ...
    @property
    def source_count(self) -> int: ...
    @property
    def target_count(self) -> int: ...
    @property
    def matched(self) -> int: ...
    @property
    def applied(self) -> int: ...
    @property
    def differences(self) -> Sequence[DifferenceLike]: ...


class BatchMirror:
    """The ``batch_mirror`` table; implements ``MirrorPort``."""

    def __init__(self, engine: AsyncEngine, *, clock: Clock | None = None) -> None:
        self._engine = engine
        self._clock = clock or SystemClock()

    async def records(self, model: str) -> dict[int, MirroredRecord]:
        """Every mirrored record of ``model`` by id."""
        async with self._engine.connect() as connection:
            rows = (
                await connection.execute(select(batch_mirror).where(batch_mirror.c.model == model))
            ).all()
        return {
            int(row.record_id): MirroredRecord(int(row.record_id), row.record_hash, row.values)
            for row in rows
        }

    async def apply(
        self, model: str, upserts: Sequence[RecordLike], deletes: Sequence[int]
    ) -> None:
        """Upsert and delete records in one transaction."""
        now = self._clock.now()
        async with self._engine.begin() as connection:
            for record in upserts:
                statement = upsert(batch_mirror, connection.dialect).values(
                    model=model,
                    record_id=record.record_id,
                    record_hash=record.record_hash,
                    values=dict(record.values),
                    synced_at=now,
                )
                await connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=[batch_mirror.c.model, batch_mirror.c.record_id],
                        set_={
                            "record_hash": statement.excluded.record_hash,
                            "values": statement.excluded["values"],
                            "synced_at": statement.excluded.synced_at,
                        },
                    )
                )
            if deletes:
                await connection.execute(
                    delete(batch_mirror).where(
                        batch_mirror.c.model == model, batch_mirror.c.record_id.in_(list(deletes))
                    )
                )


def _difference(row: Row[Any]) -> StoredDifference:
    return StoredDifference(
        record_id=int(row.record_id),
        kind=row.kind,
        source_hash=row.source_hash,
        target_hash=row.target_hash,
        source_values=row.source_values,
        target_values=row.target_values,
    )


class ReconciliationReports:
    """The ``reconciliation_reports`` and ``reconciliation_differences`` tables."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def save(self, report: ReportLike) -> StoredReport:
        """Store the report; when its run id is already stored, the stored one wins."""
        try:
            async with self._engine.begin() as connection:
                result = await connection.execute(
                    insert(reconciliation_reports)
                    .values(
                        run_id=report.run_id,
                        model=report.model,
                        started_at=report.started_at,
                        finished_at=report.finished_at,
                        source_count=report.source_count,
                        target_count=report.target_count,
                        matched=report.matched,
                        difference_count=len(report.differences),
                        applied=report.applied,
                    )
                    .returning(reconciliation_reports.c.id)
                )
                report_id = int(result.scalar_one())
                if report.differences:
                    await connection.execute(
                        insert(reconciliation_differences),
                        [
                            {
                                "report_id": report_id,
                                "record_id": d.record_id,
                                "kind": d.kind,
                                "source_hash": d.source_hash,
                                "target_hash": d.target_hash,
                                "source_values": None
                                if d.source_values is None
                                else dict(d.source_values),
                                "target_values": None
                                if d.target_values is None
                                else dict(d.target_values),
                            }
                            for d in report.differences
                        ],
                    )
        except IntegrityError:
            pass  # the same run saved it first
        stored = await self.by_run(report.run_id)
        assert stored is not None
        return stored

    async def by_run(self, run_id: str) -> StoredReport | None:
        """The report of ``run_id`` with its differences, or None."""
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(
                    select(reconciliation_reports).where(reconciliation_reports.c.run_id == run_id)
                )
            ).one_or_none()
            return None if row is None else await _load(connection, row)

    async def get(self, report_id: int) -> StoredReport | None:
        """The report with this id and its differences, or None."""
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(
                    select(reconciliation_reports).where(reconciliation_reports.c.id == report_id)
                )
            ).one_or_none()
            return None if row is None else await _load(connection, row)

    async def latest(self, *, model: str | None = None, limit: int = 20) -> list[StoredReport]:
        """The newest reports (without their differences), newest first."""
        query = select(reconciliation_reports).order_by(reconciliation_reports.c.id.desc())
        if model:
            query = query.where(reconciliation_reports.c.model == model)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query.limit(limit))).all()
        return [_report(row, ()) for row in rows]

    async def count(self) -> int:
        """How many reports are stored."""
        async with self._engine.connect() as connection:
            return int(
                (
                    await connection.execute(
                        select(func.count()).select_from(reconciliation_reports)
                    )
                ).scalar_one()
            )


def _report(row: Row[Any], differences: tuple[StoredDifference, ...]) -> StoredReport:
    return StoredReport(
        id=int(row.id),
        run_id=row.run_id,
        model=row.model,
        started_at=row.started_at,
        finished_at=row.finished_at,
        source_count=row.source_count,
        target_count=row.target_count,
        matched=row.matched,
        applied=row.applied,
        differences=differences,
    )


async def _load(connection: AsyncConnection, row: Row[Any]) -> StoredReport:
    differences = (
        await connection.execute(
            select(reconciliation_differences)
            .where(reconciliation_differences.c.report_id == row.id)
            .order_by(reconciliation_differences.c.record_id)
        )
    ).all()
    return _report(row, tuple(_difference(d) for d in differences))
