"""Batch sync with reconciliation: a scheduled DBOS workflow, one step per model.

Each run mirrors the configured Odoo models into the hub and ends in one stored
reconciliation report per model (counts on both sides, per-record hashes, each
difference with both values). The run id keys the reports, so running the same batch
again returns them unchanged; the next run finds only what changed since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dbos import DBOS, SetWorkflowID, WorkflowHandleAsync

from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.services.reconciliation import reconcile_model
from healthbridge.workflows.dependencies import dependencies, pause_point

WORKFLOW_NAME = "batch_sync"
SCHEDULE_NAME = "healthbridge-batch-sync"


@dataclass(frozen=True, slots=True)
class BatchRun:
    """What a batch run mirrors, and its key (the same key, the same run)."""

    run_key: str
    models: tuple[str, ...]

    @property
    def workflow_id(self) -> str:
        """The run's workflow id."""
        return f"batch-{self.run_key}"


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """One model's reconciliation report, as the workflow returns it."""

    report_id: int
    model: str
    source_count: int
    target_count: int
    matched: int
    differences: int


@DBOS.step(name="reconcile_model")
async def reconcile_step(run_id: str, model: str) -> ReportSummary:
    """Compare, report and apply one model under ``run_id`` (safe to run again)."""
    deps = dependencies()
    report = await reconcile_model(
        deps.odoo, deps.mirror, deps.reports, model=model, run_id=run_id, clock=deps.clock
    )
    await pause_point("reconcile_model")
    return ReportSummary(
        report_id=report.id or 0,
        model=model,
        source_count=report.source_count,
        target_count=report.target_count,
        matched=report.matched,
        differences=len(report.differences),
    )


@DBOS.workflow(name=WORKFLOW_NAME)
async def batch_sync(run: BatchRun) -> tuple[ReportSummary, ...]:
    """Reconcile each model in turn; every run ends in one report per model."""
    return tuple(
        [await reconcile_step(f"{run.workflow_id}/{model}", model) for model in run.models]
    )


@dataclass(frozen=True, slots=True)
class ScheduleContext:
    """What the schedule passes to each scheduled run."""

    models: tuple[str, ...]


@DBOS.workflow(name="scheduled_batch_sync")
async def scheduled_batch_sync(scheduled_at: datetime, context: Any) -> None:
    """The cron entry point: one batch run per scheduled time."""
    models = context.models if isinstance(context, ScheduleContext) else ()
    run = BatchRun(run_key=f"scheduled-{scheduled_at:%Y%m%dT%H%M%S}", models=models)
    with SetWorkflowID(run.workflow_id):
        await DBOS.start_workflow_async(batch_sync, run)


async def start_batch_sync(run: BatchRun) -> WorkflowHandleAsync[tuple[ReportSummary, ...]]:
    """Start (or find) the batch run ``run``."""
    with SetWorkflowID(run.workflow_id):
        return await DBOS.start_workflow_async(batch_sync, run)


async def schedule(settings: WorkflowsSettings) -> None:
    """Create or replace the batch sync schedule from settings."""
    DBOS.apply_schedules(
        [
            {
                "schedule_name": SCHEDULE_NAME,
                "workflow_fn": scheduled_batch_sync,
                "schedule": settings.batch_schedule,
                "context": ScheduleContext(tuple(settings.batch_models)),
            }
        ]
    )
