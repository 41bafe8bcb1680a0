"""``healthbridge audit``: read the hash-chained audit trail and prove it untouched."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from healthbridge.bootstrap import open_store
from healthbridge.cli.output import console, errors, fail, run
from healthbridge.core import ConfigError, Settings, load_settings
from healthbridge.store.audit_log import AuditLog, Verification

app = typer.Typer(help="Inspect and verify the API audit trail.", no_args_is_help=True)

EXIT_TAMPERED = 3
"""``audit verify`` exits with this when the chain is broken (1 is any other error)."""


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)


@app.command("verify")
def verify() -> None:
    """Recompute every hash of the audit chain; name the first bad entry if any.

    Exits 0 when intact, 3 when an entry was changed, inserted or deleted.

    Examples:

        healthbridge audit verify

        healthbridge audit verify || echo "the audit trail was tampered with"
    """
    result = run(_verify(_settings()))
    if result.broken is None:
        console.print(f"[green]audit trail intact[/]: {result.checked} entries verified")
        return
    errors.print(
        f"[bold red]audit trail broken[/] at entry {result.broken.seq}: {result.broken.reason} "
        f"({result.checked} entries before it verified). Restore the table from a backup "
        "and investigate who had write access to the store."
    )
    raise typer.Exit(EXIT_TAMPERED)


async def _verify(settings: Settings) -> Verification:
    async with open_store(settings) as store:
        return await AuditLog(store.engine).verify()


@app.command("list")
def list_entries(
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="How many, newest first.")] = 50,
    client: Annotated[str | None, typer.Option(help="Only calls of this client id.")] = None,
) -> None:
    """List audit entries, newest first: time, client, user, route, status, records.

    Examples:

        healthbridge audit list

        healthbridge audit list --client hbc_1a2b3c4d --limit 200
    """
    run(_list(_settings(), limit, client))


async def _list(settings: Settings, limit: int, client: str | None) -> None:
    async with open_store(settings) as store:
        entries = await AuditLog(store.engine).entries(
            limit=limit, client_id=client, newest_first=True
        )
    table = Table("seq", "at", "client", "user", "method", "route", "status", "records", "trace")
    for entry in entries:
        record = entry.record
        table.add_row(
            str(entry.seq),
            record.at.isoformat(timespec="seconds"),
            record.client_id or "",
            record.user or "",
            record.method,
            record.route,
            str(record.status),
            " ".join(record.records),
            record.trace_id,
        )
    console.print(table)
