"""The workflows area's store: tasks, worker heartbeats, mirror and reports, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from healthbridge.core.errors import ConflictError
from healthbridge.services.reconciliation import Difference, ReconciliationReport
from healthbridge.store.reconciliation import BatchMirror, MirroredRecord, ReconciliationReports
from healthbridge.store.schema import metadata
from healthbridge.store.tasks import HumanTasks
from healthbridge.store.workflow_executors import ExecutorRegistry
from healthbridge.store.workflow_schema import (
    batch_mirror,
    human_tasks,
    reconciliation_differences,
    reconciliation_reports,
    workflow_executors,
)

OURS = {
    table.name
    for table in (
        human_tasks,
        workflow_executors,
        batch_mirror,
        reconciliation_reports,
        reconciliation_differences,
    )
}


class FixedClock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def monotonic(self) -> float:
        return 0.0


def _table_of(difference: object) -> str | None:
    item = difference[0] if isinstance(difference, list) else difference
    for part in item if isinstance(item, tuple) else ():
        name = getattr(part, "name", None) or getattr(getattr(part, "table", None), "name", None)
        if isinstance(name, str):
            return name
    return None


async def test_migration_0007_matches_the_workflow_table_definitions(store_engine) -> None:
    async with store_engine.connect() as connection:
        differences = await connection.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c), metadata)
        )
    ours = [d for d in differences if _table_of(d) in OURS]
    assert ours == []
    assert set(metadata.tables) >= OURS


async def _open(tasks: HumanTasks, task_id: str = "wf-1/approval"):
    return await tasks.open(
        task_id=task_id,
        workflow_id="wf-1",
        kind="purchase_approval",
        title="Approve",
        assignee="purchasing",
        due_at=datetime(2026, 11, 25, tzinfo=UTC),
        details={"amount": 500.0},
    )


async def test_opening_a_task_twice_returns_the_first(store_engine) -> None:
    tasks = HumanTasks(store_engine)
    first = await _open(tasks)
    again = await _open(tasks)
    assert again == first
    assert first.state == "open"
    assert first.details == {"amount": 500.0}


async def test_a_decision_is_final_and_a_second_one_is_a_conflict(store_engine) -> None:
    tasks = HumanTasks(store_engine)
    await _open(tasks)
    decided = await tasks.decide("wf-1/approval", "approved", by="alice", reason="ok")
    assert (decided.decision, decided.decided_by, decided.reason) == ("approved", "alice", "ok")
    with pytest.raises(ConflictError):
        await tasks.decide("wf-1/approval", "rejected", by="bob", reason=None)
    assert (await tasks.lapse("wf-1/approval")).state == "approved"


async def test_escalation_hands_an_undecided_task_to_the_next_assignee(store_engine) -> None:
    tasks = HumanTasks(store_engine)
    await _open(tasks)
    due = datetime(2026, 11, 26, tzinfo=UTC)
    escalated = await tasks.escalate("wf-1/approval", assignee="manager", due_at=due)
    assert (escalated.state, escalated.assignee, escalated.due_at) == ("escalated", "manager", due)
    assert escalated.escalated_at is not None
    assert [t.task_id for t in await tasks.list(states=["escalated"], assignee="manager")] == [
        "wf-1/approval"
    ]
    assert await tasks.list(states=["open"]) == []


async def test_only_one_survivor_claims_a_silent_worker(store_engine) -> None:
    clock = FixedClock()
    registry = ExecutorRegistry(store_engine, clock=clock)
    await registry.heartbeat("worker-a", "v1")
    await registry.heartbeat("worker-b", "v1")
    clock.moment += timedelta(seconds=30)
    await registry.heartbeat("worker-b", "v1")

    silent = await registry.silent(longer_than=timedelta(seconds=10), excluding="worker-b")
    claims = [await registry.claim("worker-a", silent_for=timedelta(seconds=10)) for _ in range(2)]

    assert silent == ["worker-a"]
    assert claims == [True, False]
    assert await registry.claim("worker-b", silent_for=timedelta(seconds=10)) is False
    assert set(await registry.last_seen()) == {"worker-b"}


async def test_a_report_keeps_every_difference_with_both_values(store_engine) -> None:
    reports = ReconciliationReports(store_engine)
    moment = datetime(2026, 11, 24, tzinfo=UTC)
    difference = Difference(7, "changed", "a" * 64, "b" * 64, {"name": "new"}, {"name": "old"})
    report = ReconciliationReport(
        "run-1", "product.product", moment, moment, 3, 3, 2, 1, (difference,)
    )

    stored = await reports.save(report)
    again = await reports.save(report)

    assert stored.id is not None
    assert again.id == stored.id
    (kept,) = stored.differences
    assert (kept.record_id, kept.kind, kept.source_values, kept.target_values) == (
        7,
        "changed",
        {"name": "new"},
        {"name": "old"},
    )
    assert (await reports.get(stored.id)) == stored
    assert [r.run_id for r in await reports.latest()] == ["run-1"]


async def test_the_mirror_upserts_and_deletes_in_one_go(store_engine) -> None:
    mirror = BatchMirror(store_engine)
    await mirror.apply("product.product", [MirroredRecord(1, "h1", {"name": "a"})], [])
    await mirror.apply(
        "product.product",
        [MirroredRecord(1, "h2", {"name": "b"}), MirroredRecord(2, "h3", {"name": "c"})],
        [],
    )
    await mirror.apply("product.product", [], [2])
    records = await mirror.records("product.product")
    assert {k: (v.record_hash, dict(v.values)) for k, v in records.items()} == {
        1: ("h2", {"name": "b"})
    }
