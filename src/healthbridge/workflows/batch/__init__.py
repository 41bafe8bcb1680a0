"""Scheduled batch sync ending in reconciliation reports."""

from healthbridge.workflows.batch.workflow import (
    BatchRun,
    ReportSummary,
    batch_sync,
    schedule,
    start_batch_sync,
)

__all__ = ["BatchRun", "ReportSummary", "batch_sync", "schedule", "start_batch_sync"]
