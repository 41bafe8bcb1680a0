"""Durable workflows (DBOS): supply replenishment, invoice to payer, patient administration
update, human tasks, batch sync and reconciliation, and the event triggers that start them."""

from healthbridge.workflows.batch import BatchRun, ReportSummary, start_batch_sync
from healthbridge.workflows.dependencies import WorkflowDependencies
from healthbridge.workflows.errors import (
    WorkflowNotFoundError,
    WorkflowRuntimeError,
    WorkflowStateError,
)
from healthbridge.workflows.patient_update import (
    PatientUpdate,
    PatientUpdateOutcome,
    start_patient_update,
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
from healthbridge.workflows.triggers import workflow_triggers
from healthbridge.workflows.worker import WorkflowWorker, open_workflow_worker

__all__ = [
    "BatchRun",
    "PatientUpdate",
    "PatientUpdateOutcome",
    "ReplenishmentOutcome",
    "ReportSummary",
    "StockLow",
    "SupplierHttp",
    "WorkflowDependencies",
    "WorkflowNotFoundError",
    "WorkflowRuntime",
    "WorkflowRuntimeError",
    "WorkflowStateError",
    "WorkflowWorker",
    "dbos_config",
    "open_workflow_runtime",
    "open_workflow_worker",
    "open_workflows",
    "start_batch_sync",
    "start_patient_update",
    "start_replenishment",
    "workflow_triggers",
]
