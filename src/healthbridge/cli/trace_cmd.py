"""``healthbridge trace``: one business transaction across systems, and what is late."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from healthbridge.bootstrap import open_store
from healthbridge.cli.output import console, fail, run
from healthbridge.core import ConfigError, NotFoundError, Settings, load_settings
from healthbridge.core.clock import utc_now
from healthbridge.services.business_trace import Timeline, TimelineStep, business_timeline
from healthbridge.store.business_events import BusinessEvents

app = typer.Typer(
    help="Follow business transactions across Odoo, the EHR and payers.",
    no_args_is_help=True,
)

_STYLE = {
    "on_time": "green",
    "late": "bold red",
    "overdue": "bold red",
    "missing": "bold red",
    "pending": "yellow",
    "waiting": "dim",
    "extra": "cyan",
}


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)


@app.command("business")
def business(
    key: Annotated[str, typer.Argument(help="The business key (e.g. supply:SR-1042).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Show the timeline of one business transaction, with steps that missed their time.

    Each row is a step of the chain (supply request -> purchase order -> receipt -> vendor
    bill -> payment, or admission -> patient -> invoice -> claim -> payment) with the
    system holding it, its record, when it happened and by when it was expected. Late,
    overdue and missing steps are shown in red.

    Examples:

        healthbridge trace business supply:SR-1042

        healthbridge trace business adt:V20261124-7 --json
    """
    timeline = run(_timeline(_settings(), key))
    if as_json:
        console.print_json(json.dumps(_as_dict(timeline)))
    else:
        print_timeline(timeline)


async def _timeline(settings: Settings, key: str) -> Timeline:
    async with open_store(settings) as store:
        try:
            return await business_timeline(BusinessEvents(store.engine), key, utc_now())
        except NotFoundError as exc:
            fail(exc.safe_message, code="trace.unknown_key", exit_code=1)


@app.command("recent")
def recent(
    limit: Annotated[int, typer.Option(min=1, max=500, help="How many keys.")] = 20,
) -> None:
    """List the business keys with the latest activity, newest first.

    Examples:

        healthbridge trace recent --limit 5
    """
    keys = run(_recent(_settings(), limit))
    for key in keys:
        console.print(key, markup=False)


async def _recent(settings: Settings, limit: int) -> list[str]:
    async with open_store(settings) as store:
        return list(await BusinessEvents(store.engine).recent_keys(limit))


def _when(step: TimelineStep) -> tuple[str, str]:
    at = step.occurred_at.isoformat(timespec="seconds") if step.occurred_at else ""
    by = step.expected_by.isoformat(timespec="seconds") if step.expected_by else ""
    return at, by


def _short(moment: datetime | None) -> str:
    """A table's time: UTC to the second, ``2026-11-24 09:30:00Z`` (JSON keeps ISO 8601)."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _as_dict(timeline: Timeline) -> dict[str, object]:
    return {
        "key": timeline.key,
        "chain": timeline.chain,
        "steps": [
            {
                "step": s.step,
                "system": s.system,
                "status": s.status,
                "record": s.record_ref,
                "at": _when(s)[0] or None,
                "expected_by": _when(s)[1] or None,
                "trace_id": s.trace_id,
            }
            for s in timeline.steps
        ],
        "problems": [s.step for s in timeline.problems],
    }


def print_timeline(timeline: Timeline, out: Console | None = None) -> None:
    """The timeline as a table, then its late steps in red (or that all were on time).

    The demo prints the same view at its end, so what it shows is what an operator sees.
    """
    out = out or console
    out.print(f"[bold]{timeline.key}[/]  chain [bold]{timeline.chain}[/]", highlight=False)
    table = Table()
    for header in ("step", "system", "record", "at", "expected by", "status", "trace"):
        # Folded, never cut: a record or trace id shortened with "..." cannot be looked up.
        table.add_column(header, overflow="fold")
    for step in timeline.steps:
        style = _STYLE[step.status]
        table.add_row(
            step.step,
            step.system,
            Text(step.record_ref or ""),
            _short(step.occurred_at),
            _short(step.expected_by),
            f"[{style}]{step.status}[/]",
            step.trace_id or "",
        )
    out.print(table)
    problems = timeline.problems
    if problems:
        names = ", ".join(f"{s.step} ({s.status})" for s in problems)
        out.print(f"[bold red]{len(problems)} step(s) not in time:[/] {names}")
    else:
        out.print("[green]every step so far happened within its expected time[/]")
