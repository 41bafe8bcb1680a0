"""Operating workflow runs from outside a worker: list, show, cancel, resume, retry, decide.

Works through DBOS's client on the system database, so the CLI (or the API) needs no
running worker and registers no workflow code. Inputs are shown with identifying
fields masked: a run's input may name a patient, and an operator's screen is not the
place for it.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dbos import DBOSClient
from pydantic import BaseModel

from healthbridge.core.errors import ConflictError, UnavailableError
from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.services.workflow_ports import Decision, HumanTask, TaskBoardPort
from healthbridge.workflows.errors import WorkflowNotFoundError, WorkflowStateError
from healthbridge.workflows.replenishment.model import APPROVAL_TOPIC

MASKED = "***"
PHI_KEYS = frozenset(
    {
        "name",
        "patient",
        "patient_name",
        "family",
        "given",
        "birth_date",
        "birthdate",
        "address",
        "phone",
        "email",
        "ssn",
        "mrn",
        "identifier",
        "identifiers",
        "names",
        "telecom",
        "addresses",
    }
)
"""Input keys masked in every view; ``product_name`` and the like stay readable."""

FINISHED = frozenset({"SUCCESS", "ERROR", "CANCELLED", "MAX_RECOVERY_ATTEMPTS_EXCEEDED"})


def _moment(epoch_ms: int | None) -> datetime | None:
    return None if epoch_ms is None else datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)


def masked(value: Any) -> Any:
    """A JSON-ready view of ``value`` with identifying fields replaced by ``***``."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, Mapping):
        return {
            str(key): MASKED if str(key).lower() in PHI_KEYS else masked(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [masked(item) for item in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One workflow run as a list shows it."""

    workflow_id: str
    name: str
    status: str
    created_at: datetime | None
    updated_at: datetime | None
    executor_id: str | None
    application_version: str | None
    trace_id: str | None


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One recorded step: its outcome and timing."""

    number: int
    name: str
    outcome: str
    started_at: datetime | None
    completed_at: datetime | None
    error: str | None

    @property
    def duration_ms(self) -> float | None:
        """How long the step took, when it finished."""
        if self.started_at is None or self.completed_at is None:
            return None
        return (self.completed_at - self.started_at).total_seconds() * 1000


@dataclass(frozen=True, slots=True)
class RunDetail:
    """A run with its masked input, output or error, and every step."""

    summary: RunSummary
    input: Any
    output: Any
    error: str | None
    steps: tuple[StepRecord, ...]


def _args(inputs: Any) -> tuple[Any, ...]:
    # DBOS hands the recorded input back as a mapping with "args" and "kwargs".
    if isinstance(inputs, Mapping):
        return tuple(inputs.get("args") or ()) + tuple((inputs.get("kwargs") or {}).values())
    return ()


def _trace_id(inputs: Any) -> str | None:
    for arg in _args(inputs):
        trace = getattr(arg, "trace_id", None)
        if isinstance(trace, str):
            return trace
    return None


def _summary(status: Any) -> RunSummary:
    return RunSummary(
        workflow_id=status.workflow_id,
        name=status.name,
        status=status.status,
        created_at=_moment(status.created_at),
        updated_at=_moment(status.updated_at),
        executor_id=status.executor_id,
        application_version=status.app_version,
        trace_id=_trace_id(status.input),
    )


def _error_text(error: Any) -> str | None:
    if error is None:
        return None
    code = getattr(error, "code", None)
    return str(code) if isinstance(code, str) else type(error).__name__


class WorkflowAdmin:
    """Run operations on a DBOS system database, through ``DBOSClient``."""

    def __init__(self, client: DBOSClient) -> None:
        self._client = client

    @classmethod
    @contextmanager
    def open(cls, settings: WorkflowsSettings, data_dir: Path) -> Iterator[WorkflowAdmin]:
        """A client on the configured system database, closed on exit."""
        url = settings.system_database(data_dir)
        if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
            raise UnavailableError(
                "no workflow has run here yet: start a worker first, or set "
                "workflows.system_database_url (HEALTHBRIDGE_WORKFLOWS__SYSTEM_DATABASE_URL)",
                details={"key": "workflows.system_database_url"},
            )
        try:
            client = DBOSClient(system_database_url=url, dbos_system_schema=settings.system_schema)
        except Exception as exc:
            raise UnavailableError(
                "the workflow system database is unreachable",
                details={"reason": type(exc).__name__},
            ) from None
        try:
            yield cls(client)
        finally:
            client.destroy()

    async def list(
        self, *, status: Sequence[str] | None = None, name: str | None = None, limit: int = 50
    ) -> list[RunSummary]:
        """The newest runs first, optionally filtered by status and workflow name."""
        found = await asyncio.to_thread(
            self._client.list_workflows,
            status=list(status) if status else None,
            name=name,
            limit=limit,
            sort_desc=True,
            load_output=False,
        )
        return [_summary(status) for status in found]

    async def _status(self, workflow_id: str) -> Any:
        found = await asyncio.to_thread(self._client.list_workflows, workflow_ids=[workflow_id])
        if not found:
            raise WorkflowNotFoundError(
                "no workflow run has this id", details={"workflow_id": workflow_id}
            )
        return found[0]

    async def show(self, workflow_id: str) -> RunDetail:
        """The run with masked input, output, error and its steps in order."""
        status = await self._status(workflow_id)
        steps = await asyncio.to_thread(self._client.list_workflow_steps, workflow_id)
        records = tuple(
            StepRecord(
                number=int(step["function_id"]),
                name=str(step["function_name"]),
                outcome="error"
                if step["error"] is not None
                else "done"
                if step["completed_at_epoch_ms"] is not None
                else "running",
                started_at=_moment(step["started_at_epoch_ms"]),
                completed_at=_moment(step["completed_at_epoch_ms"]),
                error=_error_text(step["error"]),
            )
            for step in steps
        )
        return RunDetail(
            summary=_summary(status),
            input=masked(list(_args(status.input))),
            output=masked(status.output),
            error=_error_text(status.error),
            steps=records,
        )

    async def cancel(self, workflow_id: str) -> None:
        """Stop the run at its next step; it can be resumed later."""
        status = await self._status(workflow_id)
        if status.status in FINISHED - {"CANCELLED"}:
            raise WorkflowStateError(
                f"the run already ended ({status.status})", details={"status": status.status}
            )
        await asyncio.to_thread(self._client.cancel_workflow, workflow_id)

    async def resume(self, workflow_id: str) -> None:
        """Put a cancelled or stuck run back on the queue; it continues from its last step."""
        status = await self._status(workflow_id)
        if status.status in ("SUCCESS", "ERROR"):
            raise WorkflowStateError(
                f"the run already ended ({status.status}); use retry to run it again",
                details={"status": status.status},
            )
        await asyncio.to_thread(self._client.resume_workflow, workflow_id)

    async def retry(self, workflow_id: str, *, from_step: int = 1) -> str:
        """A new run (a fork) that re-executes from step ``from_step``; its id."""
        await self._status(workflow_id)
        handle = await asyncio.to_thread(self._client.fork_workflow, workflow_id, from_step)
        return str(handle.get_workflow_id())

    async def send_decision(self, task: HumanTask) -> None:
        """Deliver a task's decision to the run waiting for it (once per task)."""
        await asyncio.to_thread(
            self._client.send,
            task.workflow_id,
            {"task_id": task.task_id, "decision": task.decision, "by": task.decided_by},
            APPROVAL_TOPIC,
            f"{task.task_id}/decision",
        )


async def decide_task(
    tasks: TaskBoardPort,
    admin: WorkflowAdmin,
    task_id: str,
    decision: Decision,
    *,
    by: str,
    reason: str | None,
) -> HumanTask:
    """Record the decision, then wake the waiting run (which also re-reads the task board).

    Repeating the same decision re-sends it (DBOS drops the duplicate message), so a
    command interrupted between the two writes can simply be run again.
    """
    try:
        task = await tasks.decide(task_id, decision, by=by, reason=reason)
    except ConflictError:
        task_now = await tasks.get(task_id)
        if task_now is None or task_now.decision != decision:
            raise
        task = task_now
    await admin.send_decision(task)
    return task
