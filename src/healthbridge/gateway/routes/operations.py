"""``/api/v1/workflows`` and ``/api/v1/tasks``: operating workflow runs and deciding human tasks.

Reads need ``workflows.read``; cancel, resume and retry need ``workflows.operate``;
approving or rejecting a task needs ``tasks.decide``. Run inputs and outputs come back
with identifying fields masked (see ``workflows.operations.masked``): an operator needs
the shape of a run, never a patient's name. The decision is recorded under the caller's
identity (the user acting through the client, else the client) and then delivered to the
waiting run through DBOS, so the run continues at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from healthbridge.gateway.authorization import require_scopes
from healthbridge.security.principal import Principal
from healthbridge.services.workflow_ports import Decision, HumanTask, TaskBoardPort
from healthbridge.workflows.operations import RunDetail, RunSummary, WorkflowAdmin, decide_task

READ = "workflows.read"
OPERATE = "workflows.operate"
DECIDE = "tasks.decide"

RunStatus = Literal[
    "PENDING", "ENQUEUED", "SUCCESS", "ERROR", "CANCELLED", "MAX_RECOVERY_ATTEMPTS_EXCEEDED"
]
TaskStateName = Literal["open", "escalated", "approved", "rejected", "lapsed"]


class RunView(BaseModel):
    """One workflow run as lists show it."""

    workflow_id: str
    name: str
    status: str
    created_at: datetime | None
    updated_at: datetime | None
    executor_id: str | None
    application_version: str | None
    trace_id: str | None


class RunList(BaseModel):
    """Runs, newest first."""

    items: list[RunView]


class StepView(BaseModel):
    """One recorded step of a run, with its timing."""

    number: int
    name: str
    outcome: str
    started_at: datetime | None
    completed_at: datetime | None
    duration_ms: float | None
    error: str | None


class RunDetailView(RunView):
    """A run with its masked input and output, its error code and every step."""

    input: Any
    output: Any
    error: str | None
    steps: list[StepView]


class RetriedRun(BaseModel):
    """The new run a retry started (a fork of the original)."""

    workflow_id: str
    retried_from: str
    from_step: int


class RunAction(BaseModel):
    """What was done to a run."""

    workflow_id: str
    action: Literal["cancel", "resume"]
    status: str


class RetryBody(BaseModel):
    """Where a retry starts re-executing the run (1: from the beginning)."""

    model_config = ConfigDict(extra="forbid")

    from_step: int = Field(1, ge=1, description="The step number (see the run's steps).")


class TaskView(BaseModel):
    """A human task: what is asked, of whom, by when, and what was decided."""

    task_id: str
    workflow_id: str
    kind: str
    title: str
    assignee: str
    state: str
    due_at: datetime
    created_at: datetime
    escalated_at: datetime | None
    decided_at: datetime | None
    decided_by: str | None
    reason: str | None
    details: dict[str, Any]


class TaskList(BaseModel):
    """Tasks, newest first."""

    items: list[TaskView]


class ApproveBody(BaseModel):
    """An approval, optionally with its reason."""

    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(None, max_length=1000, description="Why (recorded).")


class RejectBody(BaseModel):
    """A rejection: the reason is required and recorded."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000, description="Why (recorded).")


def _run(summary: RunSummary) -> dict[str, Any]:
    return {
        "workflow_id": summary.workflow_id,
        "name": summary.name,
        "status": summary.status,
        "created_at": summary.created_at,
        "updated_at": summary.updated_at,
        "executor_id": summary.executor_id,
        "application_version": summary.application_version,
        "trace_id": summary.trace_id,
    }


def run_detail_view(detail: RunDetail) -> RunDetailView:
    """The API view of a run's detail."""
    return RunDetailView(
        **_run(detail.summary),
        input=detail.input,
        output=detail.output,
        error=detail.error,
        steps=[
            StepView(
                number=step.number,
                name=step.name,
                outcome=step.outcome,
                started_at=step.started_at,
                completed_at=step.completed_at,
                duration_ms=step.duration_ms,
                error=step.error,
            )
            for step in detail.steps
        ],
    )


def task_view(task: HumanTask) -> TaskView:
    """The API view of a task."""
    details: Mapping[str, Any] = task.details
    return TaskView(
        task_id=task.task_id,
        workflow_id=task.workflow_id,
        kind=task.kind,
        title=task.title,
        assignee=task.assignee,
        state=task.state,
        due_at=task.due_at,
        created_at=task.created_at,
        escalated_at=task.escalated_at,
        decided_at=task.decided_at,
        decided_by=task.decided_by,
        reason=task.reason,
        details=dict(details),
    )


def operations_router(admin: WorkflowAdmin, tasks: TaskBoardPort) -> APIRouter:
    """The workflows and tasks routes, on ``admin`` (DBOS's client) and the task board."""
    router = APIRouter(prefix="/api/v1", tags=["operations"])

    @router.get("/workflows", response_model=RunList)
    async def list_workflows(
        _: Annotated[Principal, Depends(require_scopes(READ))],
        status: Annotated[list[RunStatus] | None, Query(description="Only these states.")] = None,
        name: Annotated[str | None, Query(max_length=200, description="Workflow name.")] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> RunList:
        """Runs, newest first, optionally filtered by status and workflow name."""
        found = await admin.list(status=status, name=name, limit=limit)
        return RunList(items=[RunView(**_run(summary)) for summary in found])

    @router.get("/workflows/{workflow_id}", response_model=RunDetailView)
    async def show_workflow(
        _: Annotated[Principal, Depends(require_scopes(READ))], workflow_id: str
    ) -> RunDetailView:
        """A run: state, masked input and output, error code, steps with timings, trace id."""
        return run_detail_view(await admin.show(workflow_id))

    @router.post("/workflows/{workflow_id}/cancel", response_model=RunAction)
    async def cancel_workflow(
        _: Annotated[Principal, Depends(require_scopes(OPERATE))], workflow_id: str
    ) -> RunAction:
        """Stop the run at its next step (409 if it already ended); it can be resumed."""
        await admin.cancel(workflow_id)
        detail = await admin.show(workflow_id)
        return RunAction(workflow_id=workflow_id, action="cancel", status=detail.summary.status)

    @router.post("/workflows/{workflow_id}/resume", response_model=RunAction)
    async def resume_workflow(
        _: Annotated[Principal, Depends(require_scopes(OPERATE))], workflow_id: str
    ) -> RunAction:
        """Put a cancelled or stuck run back on the queue; it continues from its last step."""
        await admin.resume(workflow_id)
        detail = await admin.show(workflow_id)
        return RunAction(workflow_id=workflow_id, action="resume", status=detail.summary.status)

    @router.post("/workflows/{workflow_id}/retry", response_model=RetriedRun, status_code=201)
    async def retry_workflow(
        _: Annotated[Principal, Depends(require_scopes(OPERATE))],
        workflow_id: str,
        body: RetryBody | None = None,
    ) -> RetriedRun:
        """Start a new run (a fork) that re-executes the run from ``from_step``."""
        from_step = body.from_step if body is not None else 1
        new_id = await admin.retry(workflow_id, from_step=from_step)
        return RetriedRun(workflow_id=new_id, retried_from=workflow_id, from_step=from_step)

    @router.get("/tasks", response_model=TaskList)
    async def list_tasks(
        _: Annotated[Principal, Depends(require_scopes(READ))],
        state: Annotated[list[TaskStateName] | None, Query(description="Only these.")] = None,
        assignee: Annotated[str | None, Query(max_length=200)] = None,
    ) -> TaskList:
        """Human tasks, newest first, optionally filtered by state and assignee."""
        found = await tasks.list(states=state, assignee=assignee)
        return TaskList(items=[task_view(task) for task in found])

    async def _decide(
        principal: Principal, task_id: str, decision: Decision, reason: str | None
    ) -> TaskView:
        task = await decide_task(
            tasks, admin, task_id, decision, by=principal.subject, reason=reason
        )
        return task_view(task)

    @router.post("/tasks/{task_id:path}/approve", response_model=TaskView)
    async def approve_task(
        principal: Annotated[Principal, Depends(require_scopes(DECIDE))],
        task_id: str,
        body: ApproveBody | None = None,
    ) -> TaskView:
        """Approve the task; the waiting run continues at once (409 if already decided)."""
        return await _decide(principal, task_id, "approved", body.reason if body else None)

    @router.post("/tasks/{task_id:path}/reject", response_model=TaskView)
    async def reject_task(
        principal: Annotated[Principal, Depends(require_scopes(DECIDE))],
        task_id: str,
        body: RejectBody,
    ) -> TaskView:
        """Reject the task with a reason; the run compensates and ends (409 if decided)."""
        return await _decide(principal, task_id, "rejected", body.reason)

    return router
