"""``healthbridge report``: the integration portfolio and the Odoo sprawl check."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from healthbridge.bootstrap import open_odoo
from healthbridge.cli.catalog_cmd import CatalogOption, load_cli_settings, sources_for
from healthbridge.cli.output import console, fail, run
from healthbridge.core import Settings
from healthbridge.governance.report.html import render_html
from healthbridge.governance.report.markdown import render_markdown
from healthbridge.services import governance
from healthbridge.services.governance_sprawl import SprawlReport, sprawl_check

app = typer.Typer(help="Reports over the catalog and Odoo.", no_args_is_help=True)


@app.command("portfolio")
def portfolio(
    catalog: CatalogOption = None,
    output_format: Annotated[str, typer.Option("--format", help="md or html.")] = "md",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of printing.")
    ] = None,
) -> None:
    """The portfolio: integrations by domain, owner, tier and latency class; findings;
    SLO status; deprecations coming due.

    HTML is one self-contained page (inline CSS, no scripts, no external links).

    Examples:

        healthbridge report portfolio

        healthbridge report portfolio --format html --out portfolio.html
    """
    if output_format not in ("md", "html"):
        fail("--format must be md or html")
    settings = load_cli_settings()
    sources = sources_for(settings, catalog)
    built = run(
        governance.portfolio(
            sources,
            as_of=datetime.now(UTC).date(),
            horizon_days=settings.governance.deprecation_horizon_days,
        )
    )
    text = render_html(built) if output_format == "html" else render_markdown(built)
    if out is None:
        typer.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    console.print(f"wrote {out}")


@app.command("sprawl")
def sprawl() -> None:
    """Odoo users and API keys that integrations use directly, outside the hub.

    Reads res.users and res.users.apikeys through the Odoo connector (settings: odoo).
    Exit code 1 when any point-to-point use is found.

    Examples:

        healthbridge report sprawl
    """
    settings = load_cli_settings()
    report = run(_sprawl(settings))
    for note in report.notes:
        console.print(f"[yellow]note[/] {escape(note)}")
    if not report.findings:
        console.print("[green]no point-to-point use of Odoo found[/]")
        return
    table = Table("login", "user id", "API key", "finding")
    for finding in report.findings:
        table.add_row(
            escape(finding.login), str(finding.user_id), escape(finding.key or "-"), finding.reason
        )
    console.print(table)
    raise typer.Exit(1)


async def _sprawl(settings: Settings) -> SprawlReport:
    async with open_odoo(settings) as odoo:
        return await sprawl_check(
            odoo,
            hub_logins=settings.governance.hub_odoo_logins,
            machine_patterns=settings.governance.machine_login_patterns,
        )
