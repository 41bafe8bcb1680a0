"""``healthbridge reconcile``: run a batch sync now, and read its reconciliation reports."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from healthbridge.bootstrap import open_odoo, open_store
from healthbridge.cli.embedded import embedded_odoo
from healthbridge.cli.output import console, fail, run
from healthbridge.core import ConfigError, Settings, load_settings
from healthbridge.services.reconciliation import MIRRORED_FIELDS
from healthbridge.store.reconciliation import ReconciliationReports, StoredReport
from healthbridge.workflows.batch import BatchRun, start_batch_sync
from healthbridge.workflows.runtime import open_workflows

app = typer.Typer(
    help="Batch sync with reconciliation: run it now, show the reports.",
    no_args_is_help=True,
)


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)


@app.command("run")
def run_batch(
    model: Annotated[
        list[str] | None,
        typer.Option(help="Odoo model to mirror (repeatable); default: workflows.batch_models."),
    ] = None,
    run_key: Annotated[
        str | None,
        typer.Option(help="Run key; the same key returns the same reports (default: now)."),
    ] = None,
) -> None:
    """Run the batch sync once and print its reconciliation summary per model.

    Examples:

        healthbridge reconcile run

        healthbridge reconcile run --model product.product --run-key nightly-2026-11-24
    """
    settings = _settings()
    models = tuple(model or settings.workflows.batch_models)
    unknown = sorted(set(models) - set(MIRRORED_FIELDS))
    if unknown:
        fail(
            f"the batch sync does not mirror {', '.join(unknown)}; "
            f"use one of {', '.join(sorted(MIRRORED_FIELDS))}"
        )
    key = run_key or f"manual-{datetime.now(UTC):%Y%m%dT%H%M%S%f}"
    run(_run(settings, BatchRun(run_key=key, models=models)))


async def _run(configured: Settings, batch: BatchRun) -> None:
    # A one-off executor id: this process must neither recover a worker's runs at launch
    # nor be mistaken for a worker by the survivors' takeover.
    one_off = configured.workflows.model_copy(update={"executor_id": f"cli-{os.getpid()}"})
    async with (
        embedded_odoo(configured) as (settings, _),
        open_store(settings) as store,
        open_odoo(settings) as odoo,
        open_workflows(
            one_off, data_dir=settings.data_dir, engine=store.engine, odoo=odoo, heartbeat=False
        ),
    ):
        handle = await start_batch_sync(batch)
        summaries = await handle.get_result()
    table = Table("report", "model", "odoo", "hub", "matched", "differences")
    for item in summaries:
        table.add_row(
            str(item.report_id),
            item.model,
            str(item.source_count),
            str(item.target_count),
            str(item.matched),
            str(item.differences),
        )
    console.print(f"batch run {batch.workflow_id}", markup=False)
    console.print(table)


@app.command("show")
def show(
    report_id: Annotated[
        int | None, typer.Argument(help="A report id; without it, the latest reports.")
    ] = None,
    model: Annotated[str | None, typer.Option(help="Only reports of this model.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many reports to list.")] = 20,
) -> None:
    """List the latest reconciliation reports, or show one with each difference.

    Examples:

        healthbridge reconcile show

        healthbridge reconcile show 12
    """
    run(_show(_settings(), report_id, model, limit))


def _cell(values: Mapping[str, Any] | None, name: str) -> str:
    return "(absent)" if values is None else json.dumps(values.get(name))


def _print_report(report: StoredReport) -> None:
    console.print(
        f"report {report.id} · run {report.run_id} · {report.model} · "
        f"odoo {report.source_count} · hub {report.target_count} · matched {report.matched} · "
        f"differences {len(report.differences)}",
        markup=False,
    )
    table = Table("record", "kind", "field", "odoo", "hub")
    for difference in report.differences:
        source = dict(difference.source_values or {})
        target = dict(difference.target_values or {})
        changed = sorted(
            name for name in set(source) | set(target) if source.get(name) != target.get(name)
        )
        for index, name in enumerate(changed or ["-"]):
            table.add_row(
                str(difference.record_id) if index == 0 else "",
                difference.kind if index == 0 else "",
                name,
                json.dumps(source.get(name))
                if difference.source_values is not None
                else "(absent)",
                json.dumps(target.get(name))
                if difference.target_values is not None
                else "(absent)",
            )
    console.print(table)


async def _show(settings: Settings, report_id: int | None, model: str | None, limit: int) -> None:
    async with open_store(settings) as store:
        reports = ReconciliationReports(store.engine)
        if report_id is not None:
            report = await reports.get(report_id)
            if report is None:
                fail(
                    f"no report {report_id}; `healthbridge reconcile show` lists them", exit_code=1
                )
            _print_report(report)
            return
        latest = await reports.latest(model=model, limit=limit)
    table = Table("report", "run", "model", "finished", "odoo", "hub", "matched", "applied")
    for item in latest:
        table.add_row(
            str(item.id),
            item.run_id,
            item.model,
            item.finished_at.isoformat(timespec="seconds"),
            str(item.source_count),
            str(item.target_count),
            str(item.matched),
            str(item.applied),
        )
    console.print(table)
    if not latest:
        console.print("[dim]no reports yet: `healthbridge reconcile run` makes one[/]")
