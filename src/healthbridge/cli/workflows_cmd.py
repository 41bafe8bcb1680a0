"""``healthbridge workflows``: list, inspect, cancel, resume and retry durable workflow runs."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from healthbridge.cli.output import console, fail, run
from healthbridge.core import ConfigError, Settings, load_settings
from healthbridge.workflows.operations import RunDetail, WorkflowAdmin

app = typer.Typer(
    help="Operate durable workflow runs (DBOS): list, show, cancel, resume, retry.",
    no_args_is_help=True,
)

STATUSES = ("ENQUEUED", "PENDING", "SUCCESS", "ERROR", "CANCELLED", "DELAYED")


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)


def _when(value: object) -> str:
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else ""


@app.command("list")
def list_runs(
    status: Annotated[
        list[str] | None, typer.Option(help="Only runs in this status (repeatable).")
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Only this workflow, e.g. replenishment.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many, newest first.")] = 50,
) -> None:
    """List workflow runs, newest first: id, workflow, status, times, executor, version.

    Examples:

        healthbridge workflows list

        healthbridge workflows list --status PENDING --name replenishment
    """
    wanted = [value.upper() for value in status or []]
    unknown = sorted(set(wanted) - set(STATUSES))
    if unknown:
        fail(f"unknown status {', '.join(unknown)}; use one of {', '.join(STATUSES)}")
    run(_list(_settings(), wanted, name, limit))


async def _list(settings: Settings, status: list[str], name: str | None, limit: int) -> None:
    with WorkflowAdmin.open(settings.workflows, settings.data_dir) as admin:
        runs = await admin.list(status=status or None, name=name, limit=limit)
    table = Table("id", "workflow", "status", "started", "updated", "executor", "version")
    for item in runs:
        table.add_row(
            item.workflow_id,
            item.name,
            item.status,
            _when(item.created_at),
            _when(item.updated_at),
            item.executor_id or "",
            item.application_version or "",
        )
    console.print(table)
    if not runs:
        console.print("[dim]no runs match[/]")


@app.command("show")
def show(
    workflow_id: Annotated[str, typer.Argument(help="The run id (see `workflows list`).")],
) -> None:
    """Show one run: status, trace id, input (identifying fields masked), outcome and steps.

    Examples:

        healthbridge workflows show replenishment-26-12-evt-1
    """
    run(_show(_settings(), workflow_id))


def print_detail(detail: RunDetail) -> None:
    """Print a run and its steps."""
    summary = detail.summary
    console.print(f"[bold]{summary.workflow_id}[/] {summary.name} [bold]{summary.status}[/]")
    console.print(
        f"started {_when(summary.created_at)}  updated {_when(summary.updated_at)}  "
        f"executor {summary.executor_id or '-'}  version {summary.application_version or '-'}  "
        f"trace {summary.trace_id or '-'}"
    )
    console.print("input:", json.dumps(detail.input, sort_keys=True), markup=False)
    if detail.output is not None:
        console.print("output:", json.dumps(detail.output, sort_keys=True), markup=False)
    if detail.error:
        console.print(f"error: {detail.error}", markup=False)
    table = Table("#", "step", "outcome", "started", "ms", "error")
    for step in detail.steps:
        duration = step.duration_ms
        table.add_row(
            str(step.number),
            step.name,
            step.outcome,
            _when(step.started_at),
            "" if duration is None else f"{duration:.1f}",
            step.error or "",
        )
    console.print(table)


async def _show(settings: Settings, workflow_id: str) -> None:
    with WorkflowAdmin.open(settings.workflows, settings.data_dir) as admin:
        detail = await admin.show(workflow_id)
    print_detail(detail)


@app.command("cancel")
def cancel(workflow_id: Annotated[str, typer.Argument(help="The run to stop.")]) -> None:
    """Stop a run at its next step; `workflows resume` continues it later.

    Examples:

        healthbridge workflows cancel replenishment-26-12-evt-1
    """
    run(_operate(_settings(), "cancel", workflow_id))


@app.command("resume")
def resume(workflow_id: Annotated[str, typer.Argument(help="The run to continue.")]) -> None:
    """Continue a cancelled or stranded run from its last recorded step (a worker runs it).

    Examples:

        healthbridge workflows resume replenishment-26-12-evt-1
    """
    run(_operate(_settings(), "resume", workflow_id))


async def _operate(settings: Settings, action: str, workflow_id: str) -> None:
    with WorkflowAdmin.open(settings.workflows, settings.data_dir) as admin:
        if action == "cancel":
            await admin.cancel(workflow_id)
        else:
            await admin.resume(workflow_id)
    console.print(f"{action}: {workflow_id}", markup=False)


@app.command("retry")
def retry(
    workflow_id: Annotated[str, typer.Argument(help="The run to run again.")],
    from_step: Annotated[
        int, typer.Option(min=1, help="Re-execute from this step number (see `show`).")
    ] = 1,
) -> None:
    """Start a new run (a fork) that re-executes from a step; earlier steps are reused.

    Examples:

        healthbridge workflows retry replenishment-26-12-evt-1

        healthbridge workflows retry replenishment-26-12-evt-1 --from-step 5
    """
    run(_retry(_settings(), workflow_id, from_step))


async def _retry(settings: Settings, workflow_id: str, from_step: int) -> None:
    with WorkflowAdmin.open(settings.workflows, settings.data_dir) as admin:
        new_id = await admin.retry(workflow_id, from_step=from_step)
    console.print(f"retry: {new_id}", markup=False)
