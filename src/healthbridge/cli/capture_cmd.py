"""``healthbridge capture``: changes read from Odoo, by webhook and by poller."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from healthbridge.bootstrap import open_odoo, open_store
from healthbridge.cli.changes_view import changes_table
from healthbridge.cli.output import console, fail, run
from healthbridge.core import ConfigError, Settings, load_settings
from healthbridge.services import ChangePoller

app = typer.Typer(help="Capture changes from Odoo and look at them.", no_args_is_help=True)


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)


@app.command("poll")
def poll(
    model: Annotated[
        list[str] | None,
        typer.Option(help="Only this model (repeatable; default: capture.models)."),
    ] = None,
) -> None:
    """Run one poller round: read every model from its write_date watermark until caught up.

    Each model restarts capture.overlap_seconds before its stored watermark (Odoo stamps
    write_date at the start of a transaction that may commit later), pages by
    (write_date, id), and moves the watermark with each page in one store transaction, so
    an interrupted round resumes where it stopped. Changes already seen, by webhook or an
    earlier round, are counted, not duplicated.

    Examples:

        healthbridge capture poll

        healthbridge capture poll --model stock.quant
    """
    settings = _settings()
    if model:
        settings = settings.model_copy(
            update={"capture": settings.capture.model_copy(update={"models": tuple(model)})}
        )
    run(_poll(settings))


async def _poll(settings: Settings) -> None:
    async with open_store(settings) as store, open_odoo(settings) as odoo:
        poller = ChangePoller.from_settings(odoo, store.changes, store.watermarks, settings.capture)
        report = await poller.run_once()
    table = Table(title="Poller round")
    for column in ("model", "pages", "seen", "new", "watermark", "error"):
        table.add_column(column)
    for row in report.models:
        mark = row.watermark
        table.add_row(
            row.model,
            str(row.pages),
            str(row.seen),
            str(row.new),
            f"{mark.write_date:%Y-%m-%d %H:%M:%S} #{mark.record_id}" if mark else "-",
            f"[red]{row.error}[/]" if row.error else "",
        )
    console.print(table)
    if report.failed:
        raise SystemExit(1)


@app.command("changes")
def changes(
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="How many, newest first.")] = 20,
    model: Annotated[str | None, typer.Option(help="Only changes of this Odoo model.")] = None,
) -> None:
    """List the latest captured changes: model, record, write_date, fields, and who saw them.

    'notifications' counts every webhook and poll that reported the same change (same
    model, id and write_date to the second); the store keeps it once.

    Examples:

        healthbridge capture changes

        healthbridge capture changes --model purchase.order --limit 50
    """
    run(_changes(_settings(), limit, model))


async def _changes(settings: Settings, limit: int, model: str | None) -> None:
    async with open_store(settings) as store:
        rows = await store.changes.latest(limit, model=model)
        total = await store.changes.count(model=model)
    console.print(changes_table(rows, title=f"Latest {len(rows)} of {total} captured changes"))
