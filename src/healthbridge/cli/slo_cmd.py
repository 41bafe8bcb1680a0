"""``healthbridge slo``: error budgets left, burn rates and alert state per integration."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated

import typer
from rich.table import Table

from healthbridge.bootstrap import open_store
from healthbridge.cli.output import console, fail, run
from healthbridge.core import ConfigError, Settings, load_settings
from healthbridge.core.clock import utc_now
from healthbridge.services.slo_status import SloStatus, resolve_objectives, slo_statuses
from healthbridge.store.sli_samples import SliSamples

app = typer.Typer(
    help="Service level objectives: error budgets left, burn rates, alerts.",
    no_args_is_help=True,
)

_LOW_BUDGET = 0.25


@app.callback()
def slo() -> None:
    """Service level objectives: error budgets left, burn rates, alerts."""


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)


@app.command("status")
def status(
    integration: Annotated[
        str | None, typer.Option(help="Only this integration (e.g. odoo-inventory).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    fail_on_alert: Annotated[
        bool, typer.Option("--fail-on-alert", help="Exit 1 when any alert is firing.")
    ] = False,
) -> None:
    """Show each integration's SLOs: budget left over the window, burn rates, alerts.

    A burn rate of 1 spends the error budget exactly over the SLO window (30 days by
    default). The fast alert fires when the 1h and 5m windows both burn at 14.4x or
    more; the slow one when the 6h and 30m windows both burn at 6x or more.

    Examples:

        healthbridge slo status

        healthbridge slo status --integration odoo-inventory --json

        healthbridge slo status --fail-on-alert    # in a cron check
    """
    statuses = run(_status(_settings(), integration))
    if as_json:
        console.print_json(json.dumps([_as_dict(s) for s in statuses]))
    else:
        _print(statuses)
    if fail_on_alert and any(s.firing for s in statuses):
        raise typer.Exit(1)


async def _status(settings: Settings, integration: str | None) -> list[SloStatus]:
    section = settings.observability
    window = timedelta(days=section.slo_window_days)
    now = utc_now()
    async with open_store(settings) as store:
        samples = SliSamples(store.engine)
        seen = await samples.objectives(now - window)
        objectives = resolve_objectives(
            (),
            [pair for pair in seen if integration is None or pair[0] == integration],
            default_target=section.slo_default_target,
            default_tier=section.slo_default_tier,
            window=window,
        )
        return await slo_statuses(samples, objectives, now)


def _as_dict(status: SloStatus) -> dict[str, object]:
    objective = status.objective
    return {
        "integration": objective.integration,
        "slo": objective.slo,
        "tier": objective.tier,
        "target": objective.target,
        "window_days": objective.window.days,
        "good": status.window_counts.good,
        "total": status.window_counts.total,
        "budget_remaining": status.budget_remaining,
        "burn_rates": dict(status.burn_rates),
        "alerts_firing": list(status.firing),
    }


def _print(statuses: list[SloStatus]) -> None:
    if not statuses:
        console.print(
            "no SLI samples yet: integrations report them as they serve traffic "
            "(see `healthbridge demo`)"
        )
        return
    windows = list(statuses[0].burn_rates)
    table = Table("integration", "slo", "tier", "target", "events", "budget left")
    for window in windows:
        table.add_column(f"burn {window}", justify="right")
    table.add_column("alerts")
    for status in statuses:
        objective = status.objective
        left = status.budget_remaining
        colour = "red" if left < 0 else "yellow" if left < _LOW_BUDGET else "green"
        table.add_row(
            objective.integration,
            objective.slo,
            str(objective.tier),
            f"{objective.target:.3%}",
            str(status.window_counts.total),
            f"[{colour}]{left:.1%}[/]",
            *(f"{status.burn_rates[w]:.2f}" for w in windows),
            f"[bold red]{', '.join(status.firing)}[/]" if status.firing else "[green]ok[/]",
        )
    console.print(table)
