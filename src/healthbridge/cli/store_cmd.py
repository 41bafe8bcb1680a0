"""``healthbridge store``: the hub's own database."""

from __future__ import annotations

import typer

from healthbridge.bootstrap import open_store
from healthbridge.cli.output import console, fail, run
from healthbridge.core import ConfigError, Settings, load_settings
from healthbridge.store import current_revision, head_revision

app = typer.Typer(help="Manage the hub's own store (SQLite or PostgreSQL).", no_args_is_help=True)


@app.command("migrate")
def migrate() -> None:
    """Bring the store to the latest schema; safe to run again and from several processes.

    The store is SQLite under data_dir unless store.url names PostgreSQL.

    Examples:

        healthbridge store migrate

        HEALTHBRIDGE_STORE__URL=postgresql+asyncpg://hub@db.internal/hub healthbridge store migrate
    """
    try:
        settings = load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)
    run(_migrate(settings))


async def _migrate(settings: Settings) -> None:
    async with open_store(settings) as store:
        revision = await current_revision(store.engine)
    where = settings.store_url().split("@")[-1]
    console.print(
        f"store [cyan]{where}[/] is at revision [bold]{revision}[/] (head {head_revision()})"
    )
