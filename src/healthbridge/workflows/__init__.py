"""Durable workflows (DBOS): supply replenishment, human tasks, batch sync and reconciliation."""

from healthbridge.workflows.batch import BatchRun, ReportSummary, start_batch_sync
from healthbridge.workflows.dependencies import WorkflowDependencies
from healthbridge.workflows.errors import (
    WorkflowNotFoundError,
    WorkflowRuntimeError,
    WorkflowStateError,
)
from healthbridge.workflows.replenishment import (
    ReplenishmentOutcome,
    StockLow,
    SupplierHttp,
    start_replenishment,
)
from healthbridge.workflows.runtime import (
    WorkflowRuntime,
    dbos_config,
    open_workflow_runtime,
    open_workflows,
)

__all__ = [
    "BatchRun",
    "ReplenishmentOutcome",
    "ReportSummary",
    "StockLow",
    "SupplierHttp",
    "WorkflowDependencies",
    "WorkflowNotFoundError",
    "WorkflowRuntime",
    "WorkflowRuntimeError",
    "WorkflowStateError",
    "dbos_config",
    "open_workflow_runtime",
    "open_workflows",
    "start_batch_sync",
    "start_replenishment",
]
