"""``healthbridge odoo``: check a connection and install the change-capture rules."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import SecretStr
from rich.table import Table

from healthbridge.bootstrap import open_odoo
from healthbridge.cli.output import console, fail, run
from healthbridge.core import ConfigError, Settings, load_settings
from healthbridge.core.settings import OdooProtocolName
from healthbridge.services import apply_webhook_rules, plan_webhook_rules
from healthbridge.services.odoo_check import HUB_MODELS, OPERATIONS, measure_latency, probe_access

app = typer.Typer(help="Talk to an Odoo: check a key, install webhook rules.", no_args_is_help=True)

_MARK = {True: "[green]yes[/]", False: "[red]no[/]", None: "[yellow]?[/]"}


def _settings(**odoo: object) -> Settings:
    try:
        base = load_settings()
        values = {k: v for k, v in odoo.items() if v is not None}
        return base.model_copy(update={"odoo": base.odoo.model_copy(update=values)})
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)


@app.command("check")
def check(
    url: Annotated[str, typer.Argument(help="Odoo base URL, e.g. https://erp.example.org")],
    db: Annotated[str | None, typer.Option(help="Database name (default: odoo.database).")] = None,
    login: Annotated[
        str | None, typer.Option(help="Login of the key's user, for JSON-RPC/XML-RPC.")
    ] = None,
    protocol: Annotated[
        str | None, typer.Option(help="Force json2, jsonrpc or xmlrpc (default: detect).")
    ] = None,
) -> None:
    """Print the Odoo version, the protocol chosen, round-trip latency, and what the key may do.

    The API key comes from HEALTHBRIDGE_ODOO__API_KEY (or HEALTHBRIDGE_ODOO__API_KEY_FILE),
    never from the command line, so it does not land in shell history. Nothing is written:
    rights are asked of Odoo (has_access / check_access_rights) on each model the hub uses.

    Examples:

        HEALTHBRIDGE_ODOO__API_KEY=... healthbridge odoo check https://erp.example.org --db prod

        healthbridge odoo check http://127.0.0.1:8069 --db healthbridge --protocol xmlrpc
    """
    if protocol is not None and protocol not in ("json2", "jsonrpc", "xmlrpc", "auto"):
        fail("--protocol must be json2, jsonrpc, xmlrpc or auto")
    proto: OdooProtocolName | None = protocol  # type: ignore[assignment]
    settings = _settings(url=url.rstrip("/"), database=db, login=login, protocol=proto)
    run(_check(settings))


async def _check(settings: Settings) -> None:
    async with open_odoo(settings) as odoo:
        latency = await measure_latency(odoo)
        access = await probe_access(odoo, HUB_MODELS)
    console.print(
        f"[bold]Odoo {odoo.server_version}[/] at {settings.odoo.url}  database "
        f"[cyan]{odoo.database}[/]  protocol [bold cyan]{odoo.protocol}[/]  uid {odoo.uid}"
    )
    console.print(
        f"round trip: median [bold]{latency.median_ms:.1f} ms[/] over "
        f"{len(latency.samples_ms)} calls (min {min(latency.samples_ms):.1f}, "
        f"max {max(latency.samples_ms):.1f})"
    )
    table = Table(title="What this key may do")
    table.add_column("model", style="cyan")
    for operation in OPERATIONS:
        table.add_column(operation, justify="center")
    for row in access:
        if not row.installed:
            table.add_row(row.model, *(["[dim]not installed[/]"] + [""] * (len(OPERATIONS) - 1)))
            continue
        table.add_row(row.model, *(_MARK[row.rights.get(op)] for op in OPERATIONS))
    console.print(table)


@app.command("install-webhooks")
def install_webhooks(
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show the rules that would be created; change nothing."),
    ] = False,
    model: Annotated[
        list[str] | None,
        typer.Option(help="Only this model (repeatable; default: capture.models)."),
    ] = None,
    public_url: Annotated[
        str | None, typer.Option(help="URL at which Odoo reaches the hub (capture.public_url).")
    ] = None,
) -> None:
    """Create the automation rules that make Odoo notify the hub of changes.

    One rule per model: an ir.actions.server of type webhook posting to
    <public_url>/hooks/odoo/<integration>?token=<capture.webhook_secret> with the record's
    id, write_date and business fields, triggered on create and write of those fields only
    (without trigger fields a real Odoo sends 13 identical webhooks for one create).
    Running it again updates the rules in place. Odoo does not sign webhooks: the token in
    the URL is the only authentication it can send, so keep HEALTHBRIDGE_CAPTURE__WEBHOOK_SECRET
    long and random.

    Examples:

        healthbridge odoo install-webhooks --dry-run

        healthbridge odoo install-webhooks --model res.partner --model stock.quant

        healthbridge odoo install-webhooks --public-url https://hub.example.org
    """
    settings = _settings()
    secret = settings.capture.webhook_secret
    if secret is None and not dry_run:
        fail(
            "capture.webhook_secret is not set: set HEALTHBRIDGE_CAPTURE__WEBHOOK_SECRET "
            "(or ..._FILE) to a long random value; Odoo will put it in the webhook URL",
            code="config.invalid",
        )
    models = tuple(model or settings.capture.models)
    url = (public_url or settings.capture.public_url).rstrip("/")
    run(_install(settings, models, url, secret or SecretStr("<unset>"), dry_run))


async def _install(
    settings: Settings, models: tuple[str, ...], url: str, secret: SecretStr, dry_run: bool
) -> None:
    async with open_odoo(settings) as odoo:
        plan = await plan_webhook_rules(odoo, models, url, secret)
        console.print(plan.render())
        if dry_run:
            console.print("[yellow]dry run:[/] nothing was changed in Odoo")
            return
        applied = await apply_webhook_rules(odoo, plan)
    table = Table(title="Webhook rules in Odoo")
    for column in ("model", "automation id", "action id", "change"):
        table.add_column(column)
    for rule in applied:
        table.add_row(
            rule.model,
            str(rule.automation_id),
            str(rule.action_id),
            "created" if rule.created else "updated",
        )
    console.print(table)
