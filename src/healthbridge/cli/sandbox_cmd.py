"""``healthbridge sandbox``: peers to develop and test against without a real Odoo."""

from __future__ import annotations

import asyncio
import json
import signal
from typing import Annotated

import typer
from rich.panel import Panel
from rich.table import Table

from healthbridge.cli.output import console, fail, run
from healthbridge.sandbox.odoo.runner import RunningSandbox, start_sandbox

app = typer.Typer(help="Run peer sandboxes (an Odoo external-API server).", no_args_is_help=True)

VERSIONS = ("19.0", "18.0", "17.0")


@app.command("odoo")
def odoo(
    port: Annotated[int, typer.Option(help="TCP port; 0 picks a free one.")] = 8069,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    db: Annotated[str, typer.Option(help="Database name clients must use.")] = "healthbridge",
    server_version: Annotated[
        str, typer.Option(help="Odoo version to behave like: 19.0 (JSON-2), 18.0 or 17.0.")
    ] = "19.0",
    keep_alive: Annotated[
        bool, typer.Option(help="Allow keep-alive; a real threaded Odoo sends Connection: close.")
    ] = False,
    api_key: Annotated[
        list[str] | None,
        typer.Option(help="Fix a user's API key as LOGIN=KEY (repeatable)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the healthcare demo data.")] = 7,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON line (for scripts) instead of a panel.")
    ] = False,
) -> None:
    """Start an Odoo sandbox: JSON-2, JSON-RPC and XML-RPC as a real Odoo 19.0 answers them.

    It holds healthcare demo data (facilities, wards, payers, suppliers, patients as billing
    partners, clinical supplies with GTINs and lots, purchase orders, invoices) and users
    with different rights: admin, hub-integration, stock-reader (read-only stock) and demo.
    Their API keys are printed at start. Faults (slow, failing, down) are injected through
    POST /_sandbox/faults with the printed control token.

    Examples:

        healthbridge sandbox odoo --port 8069

        healthbridge sandbox odoo --port 8069 --server-version 17.0

        healthbridge sandbox odoo --api-key hub-integration=dev-key --json

        curl -s -X POST localhost:8069/json/2/res.partner/search_count \\
             -H "Authorization: bearer dev-key" -H "Content-Type: application/json" \\
             -d '{"domain": [["is_company", "=", true]]}'
    """
    if server_version not in VERSIONS:
        fail(f"--server-version must be one of {', '.join(VERSIONS)}")
    keys: dict[str, str] = {}
    for pair in api_key or []:
        login, sep, key = pair.partition("=")
        if not sep or not login or not key:
            fail(f"--api-key expects LOGIN=KEY, got {login or pair!r}")
        keys[login] = key
    run(_serve(host, port, db, server_version, keep_alive, keys or None, seed, json_output))


async def _serve(
    host: str,
    port: int,
    db: str,
    server_version: str,
    keep_alive: bool,
    keys: dict[str, str] | None,
    seed: int,
    json_output: bool,
) -> None:
    sandbox = await start_sandbox(
        host=host,
        port=port,
        database=db,
        server_version=server_version,
        connection_close=not keep_alive,
        api_keys=keys,
        seed=seed,
    )
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    if json_output:
        console.print_json(json.dumps(sandbox.describe()))
    else:
        _show(sandbox)
    try:
        await stopping.wait()
    finally:
        await sandbox.stop()


def _show(sandbox: RunningSandbox) -> None:
    keys = Table(show_header=True, box=None)
    keys.add_column("login", style="cyan")
    keys.add_column("API key (bearer for JSON-2, password for RPC)")
    for login, key in sorted(sandbox.api_keys.items()):
        keys.add_row(login, key)
    console.print(
        Panel.fit(
            f"[bold]Odoo {sandbox.server_version} sandbox[/] at [link]{sandbox.url}[/]  "
            f"database [cyan]{sandbox.database}[/]\n"
            f"control token (X-Sandbox-Token): {sandbox.control_token}\n",
            title="healthbridge sandbox odoo",
        )
    )
    console.print(keys)
    console.print("[dim]Ctrl-C stops it.[/]")
