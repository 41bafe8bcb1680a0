"""Human tasks: approvals a workflow waits for, with assignee, due time and escalation.

Every write is keyed by ``task_id`` (chosen by the workflow) and safe to replay: opening
a task twice returns the first one, and a decision is recorded once; the second is a
``ConflictError`` that names the decision already made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Row, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.errors import ConflictError, InvalidRequestError, NotFoundError
from healthbridge.store.workflow_schema import human_tasks

Decision = Literal["approved", "rejected"]
TaskState = Literal["open", "escalated", "approved", "rejected", "lapsed"]
TASK_STATES: tuple[TaskState, ...] = ("open", "escalated", "approved", "rejected", "lapsed")
UNDECIDED: tuple[TaskState, ...] = ("open", "escalated")
_DECISIONS: dict[str, Decision] = {"approved": "approved", "rejected": "rejected"}


@dataclass(frozen=True, slots=True)
class StoredTask:
    """A human task as stored: who, by when, and what they decided."""

    task_id: str
    workflow_id: str
    kind: str
    title: str
    assignee: str
    state: str
    due_at: datetime
    created_at: datetime
    details: Mapping[str, Any]
    escalated_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    reason: str | None = None

    @property
    def decision(self) -> Decision | None:
        """The decision, once one was made."""
        return _DECISIONS.get(self.state)


class TaskNotFoundError(NotFoundError):
    """No task has this id."""

    code = "tasks.not_found"


class TaskAlreadyDecidedError(ConflictError):
    """The task was decided (or lapsed) before; decisions are final."""

    code = "tasks.already_decided"


def _task(row: Row[Any]) -> StoredTask:
    return StoredTask(
        task_id=row.task_id,
        workflow_id=row.workflow_id,
        kind=row.kind,
        title=row.title,
        assignee=row.assignee,
        state=row.state,
        due_at=row.due_at,
        created_at=row.created_at,
        details=dict(row.details or {}),
        escalated_at=row.escalated_at,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
        reason=row.reason,
    )


class HumanTasks:
    """The ``human_tasks`` table; implements ``TaskBoardPort``."""

    def __init__(self, engine: AsyncEngine, *, clock: Clock | None = None) -> None:
        self._engine = engine
        self._clock = clock or SystemClock()

    async def open(
        self,
        *,
        task_id: str,
        workflow_id: str,
        kind: str,
        title: str,
        assignee: str,
        due_at: datetime,
        details: Mapping[str, Any],
    ) -> StoredTask:
        """The task ``task_id``: the one opened before, or a new open one."""
        known = await self.get(task_id)
        if known is not None:
            return known
        try:
            async with self._engine.begin() as connection:
                await connection.execute(
                    insert(human_tasks).values(
                        task_id=task_id,
                        workflow_id=workflow_id,
                        kind=kind,
                        title=title,
                        assignee=assignee,
                        state="open",
                        due_at=due_at,
                        created_at=self._clock.now(),
                        details=dict(details),
                    )
                )
        except IntegrityError:
            pass  # opened concurrently by a replay: the first one stands
        return await self._require(task_id)

    async def get(self, task_id: str) -> StoredTask | None:
        """The task, or None."""
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(
                    select(human_tasks).where(human_tasks.c.task_id == task_id)
                )
            ).one_or_none()
        return None if row is None else _task(row)

    async def _require(self, task_id: str) -> StoredTask:
        task = await self.get(task_id)
        if task is None:
            raise TaskNotFoundError("no task has this id", details={"task_id": task_id})
        return task

    async def escalate(self, task_id: str, *, assignee: str, due_at: datetime) -> StoredTask:
        """Hand an undecided task to ``assignee`` with a new due time; decided tasks stay."""
        async with self._engine.begin() as connection:
            await connection.execute(
                update(human_tasks)
                .where(human_tasks.c.task_id == task_id, human_tasks.c.state == "open")
                .values(
                    state="escalated",
                    assignee=assignee,
                    due_at=due_at,
                    escalated_at=self._clock.now(),
                )
            )
        return await self._require(task_id)

    async def decide(
        self, task_id: str, decision: str, *, by: str, reason: str | None
    ) -> StoredTask:
        """Record the first decision; a second one raises ``TaskAlreadyDecidedError``."""
        if decision not in _DECISIONS:
            raise InvalidRequestError(
                "a decision is approved or rejected", details={"decision": decision}
            )
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(human_tasks)
                .where(human_tasks.c.task_id == task_id, human_tasks.c.state.in_(UNDECIDED))
                .values(state=decision, decided_at=self._clock.now(), decided_by=by, reason=reason)
            )
        task = await self._require(task_id)
        if result.rowcount == 0:
            raise TaskAlreadyDecidedError(
                f"the task is already {task.state}",
                details={"task_id": task_id, "state": task.state},
            )
        return task

    async def lapse(self, task_id: str) -> StoredTask:
        """Close an undecided task as lapsed; a decided task is returned unchanged."""
        async with self._engine.begin() as connection:
            await connection.execute(
                update(human_tasks)
                .where(human_tasks.c.task_id == task_id, human_tasks.c.state.in_(UNDECIDED))
                .values(state="lapsed", decided_at=self._clock.now())
            )
        return await self._require(task_id)

    async def list(
        self, *, states: Sequence[str] | None = None, assignee: str | None = None
    ) -> list[StoredTask]:
        """Tasks, newest first, optionally filtered by state and assignee."""
        query = select(human_tasks).order_by(human_tasks.c.created_at.desc(), human_tasks.c.task_id)
        if states:
            query = query.where(human_tasks.c.state.in_(list(states)))
        if assignee:
            query = query.where(human_tasks.c.assignee == assignee)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_task(row) for row in rows]
