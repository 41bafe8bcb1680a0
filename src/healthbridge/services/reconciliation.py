"""Batch sync with reconciliation: compare Odoo with the hub's mirror record by record.

A batch run reads every record of a model from Odoo (the source) and from the mirror (the
target), compares per-record hashes of the mirrored fields, writes a report listing each
difference with both values, then applies the source to the mirror. The run id keys the
report, so running the same batch again returns the first report; a new run right after
finds no difference and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from healthbridge.core.clock import Clock
from healthbridge.core.errors import InvalidRequestError
from healthbridge.services.ports import OdooPort

DifferenceKind = Literal["missing_in_target", "missing_in_source", "changed"]

MIRRORED_FIELDS: Mapping[str, tuple[str, ...]] = {
    "product.product": ("name", "default_code", "barcode", "list_price", "standard_price"),
    "res.partner": ("name", "ref", "email", "phone", "supplier_rank", "customer_rank"),
}
"""What a batch sync mirrors per model: master data, never clinical content."""


class UnmirroredModelError(InvalidRequestError):
    """The batch sync does not mirror this model."""

    code = "reconcile.unmirrored_model"


def record_hash(values: Mapping[str, Any]) -> str:
    """A stable SHA-256 of a record's mirrored values (key order and JSON spacing ignored)."""
    encoded = json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class MirroredRecord:
    """One record as the mirror holds it."""

    record_id: int
    record_hash: str
    values: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Difference:
    """One record that differs, with both sides' hash and values (None where absent)."""

    record_id: int
    kind: DifferenceKind
    source_hash: str | None
    target_hash: str | None
    source_values: Mapping[str, Any] | None
    target_values: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True)
class ReconciliationReport:
    """The outcome of one batch run over one model."""

    run_id: str
    model: str
    started_at: datetime
    finished_at: datetime
    source_count: int
    target_count: int
    matched: int
    applied: int
    differences: tuple[Difference, ...] = field(default=())
    id: int | None = None


class MirroredView(Protocol):
    """A mirrored record as an adapter returns it."""

    @property
    def record_id(self) -> int: ...
    @property
    def record_hash(self) -> str: ...
    @property
    def values(self) -> Mapping[str, Any]: ...


class DifferenceView(Protocol):
    """A stored difference (read-only view of ``Difference``)."""

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


class ReportView(Protocol):
    """A stored report (read-only view of ``ReconciliationReport``)."""

    @property
    def id(self) -> int | None: ...
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
    def differences(self) -> Sequence[DifferenceView]: ...


class MirrorPort(Protocol):
    """The hub's copy of batch-synced records."""

    async def records(self, model: str) -> Mapping[int, MirroredView]:
        """Every mirrored record of ``model`` by id."""
        ...

    async def apply(
        self, model: str, upserts: Sequence[MirroredView], deletes: Sequence[int]
    ) -> None:
        """Upsert and delete records in one transaction."""
        ...


class ReportPort(Protocol):
    """Where reconciliation reports are kept, keyed by run id."""

    async def by_run(self, run_id: str) -> ReportView | None:
        """The report of ``run_id``, or None."""
        ...

    async def save(self, report: ReportView) -> ReportView:
        """Store the report (the first one for its run id wins) and return what is stored."""
        ...


def compare(
    source: Mapping[int, Mapping[str, Any]], target: Mapping[int, MirroredView]
) -> tuple[int, list[Difference]]:
    """How many records match, and each difference, by record id."""
    matched = 0
    differences: list[Difference] = []
    for record_id in sorted(set(source) | set(target)):
        values, mirrored = source.get(record_id), target.get(record_id)
        source_hash = None if values is None else record_hash(values)
        if mirrored is not None and source_hash == mirrored.record_hash:
            matched += 1
            continue
        kind: DifferenceKind = (
            "missing_in_target"
            if mirrored is None
            else "missing_in_source"
            if values is None
            else "changed"
        )
        differences.append(
            Difference(
                record_id=record_id,
                kind=kind,
                source_hash=source_hash,
                target_hash=None if mirrored is None else mirrored.record_hash,
                source_values=None if values is None else dict(values),
                target_values=None if mirrored is None else dict(mirrored.values),
            )
        )
    return matched, differences


async def read_source(odoo: OdooPort, model: str) -> dict[int, dict[str, Any]]:
    """Every record of ``model`` in Odoo, reduced to its mirrored fields."""
    fields = MIRRORED_FIELDS.get(model)
    if fields is None:
        raise UnmirroredModelError(
            f"the batch sync does not mirror {model}",
            details={"model": model, "mirrored": sorted(MIRRORED_FIELDS)},
        )
    records = await odoo.search_read(model, [], list(fields), order="id asc")
    return {int(record["id"]): {name: record.get(name) for name in fields} for record in records}


async def reconcile_model(
    odoo: OdooPort,
    mirror: MirrorPort,
    reports: ReportPort,
    *,
    model: str,
    run_id: str,
    clock: Clock,
) -> ReportView:
    """Compare, report, then apply one model; the same ``run_id`` returns the first report.

    The report is stored before the mirror changes, and applying is an upsert of the
    report's own differences, so a run interrupted between the two finishes the same way
    when it runs again instead of comparing against a half-applied mirror.
    """
    report: ReportView | None = await reports.by_run(run_id)
    if report is None:
        started = clock.now()
        source = await read_source(odoo, model)
        target = await mirror.records(model)
        matched, differences = compare(source, target)
        report = await reports.save(
            ReconciliationReport(
                run_id=run_id,
                model=model,
                started_at=started,
                finished_at=clock.now(),
                source_count=len(source),
                target_count=len(target),
                matched=matched,
                applied=len(differences),
                differences=tuple(differences),
            )
        )
    upserts = [
        MirroredRecord(d.record_id, d.source_hash or "", d.source_values or {})
        for d in report.differences
        if d.source_values is not None
    ]
    deletes = [d.record_id for d in report.differences if d.kind == "missing_in_source"]
    await mirror.apply(model, upserts, deletes)
    return report
