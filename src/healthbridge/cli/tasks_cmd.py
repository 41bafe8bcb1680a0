"""``healthbridge tasks``: human tasks (purchase approvals): list, approve, reject."""

from __future__ import annotations

import getpass
import os
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from healthbridge.bootstrap import open_store
from healthbridge.cli.output import console, fail, run
from healthbridge.core import ConfigError, Settings, load_settings
from healthbridge.store.tasks import TASK_STATES, Decision, HumanTasks
from healthbridge.workflows.operations import WorkflowAdmin, decide_task

app = typer.Typer(
    help="Human tasks that workflows wait for: list them, approve or reject.",
    no_args_is_help=True,
)

STATES: tuple[str, ...] = TASK_STATES
OPERATOR_ENV = "HEALTHBRIDGE_OPERATOR"
BY_HELP = (
    "Who decides (recorded with the decision); default: $HEALTHBRIDGE_OPERATOR, "
    "else your login name."
)


def _decider(by: str | None) -> str:
    """The name recorded with a decision: --by, the operator variable, or the login name."""
    if by:
        return by
    named = os.environ.get(OPERATOR_ENV)
    if named:
        return named
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        fail(f"say who decides with --by (or set {OPERATOR_ENV})")


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)


@app.command("list")
def list_tasks(
    state: Annotated[
        list[str] | None, typer.Option(help="Only tasks in this state (repeatable).")
    ] = None,
    assignee: Annotated[str | None, typer.Option(help="Only this assignee's tasks.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only undecided past due.")] = False,
) -> None:
    """List tasks, newest first: id, kind, assignee, state, due time, decision.

    Examples:

        healthbridge tasks list --state open --state escalated

        healthbridge tasks list --assignee purchasing-manager --overdue
    """
    unknown = sorted(set(state or []) - set(STATES))
    if unknown:
        fail(f"unknown state {', '.join(unknown)}; use one of {', '.join(STATES)}")
    run(_list(_settings(), state or [], assignee, overdue))


async def _list(settings: Settings, states: list[str], assignee: str | None, overdue: bool) -> None:
    async with open_store(settings) as store:
        found = await HumanTasks(store.engine).list(
            states=states or None,
            assignee=assignee,
        )
    now = datetime.now(UTC)
    if overdue:
        found = [t for t in found if t.state in ("open", "escalated") and t.due_at < now]
    table = Table("task", "kind", "assignee", "state", "due", "decided by", "reason")
    for task in found:
        late = task.state in ("open", "escalated") and task.due_at < now
        table.add_row(
            task.task_id,
            task.kind,
            task.assignee,
            task.state,
            task.due_at.isoformat(timespec="seconds") + (" (overdue)" if late else ""),
            task.decided_by or "",
            task.reason or "",
        )
    console.print(table)
    if not found:
        console.print("[dim]no tasks match[/]")


@app.command("approve")
def approve(
    task_id: Annotated[str, typer.Argument(help="The task id (see `tasks list`).")],
    reason: Annotated[str | None, typer.Option(help="Why (recorded).")] = None,
    by: Annotated[str | None, typer.Option(help=BY_HELP)] = None,
) -> None:
    """Approve a task; the waiting workflow continues at once.

    Works beside a running hub: the decision is stored in the hub's data_dir and
    delivered to the waiting run through the workflow system database.

    Examples:

        healthbridge tasks approve replenishment-26-12-evt-1/approval --reason "ward is short"

        healthbridge tasks approve replenishment-26-12-evt-1/approval --by alice
    """
    run(_decide(_settings(), task_id, "approved", _decider(by), reason))


@app.command("reject")
def reject(
    task_id: Annotated[str, typer.Argument(help="The task id (see `tasks list`).")],
    reason: Annotated[str, typer.Option(help="Why (required for a rejection).")],
    by: Annotated[str | None, typer.Option(help=BY_HELP)] = None,
) -> None:
    """Reject a task; the workflow compensates what it did and ends.

    Examples:

        healthbridge tasks reject replenishment-26-12-evt-1/approval --by alice \\
            --reason "ordered elsewhere"
    """
    run(_decide(_settings(), task_id, "rejected", _decider(by), reason))


async def _decide(
    settings: Settings, task_id: str, decision: Decision, by: str, reason: str | None
) -> None:
    async with open_store(settings) as store:
        with WorkflowAdmin.open(settings.workflows, settings.data_dir) as admin:
            task = await decide_task(
                HumanTasks(store.engine), admin, task_id, decision, by=by, reason=reason
            )
    console.print(f"{task.state}: {task.task_id} (workflow {task.workflow_id})", markup=False)
