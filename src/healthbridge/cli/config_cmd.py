"""``healthbridge config``: what the hub is configured to do, with secrets masked."""

from __future__ import annotations

from typing import Any

import typer
from pydantic import BaseModel, SecretStr
from rich.table import Table

from healthbridge.cli.output import console, fail
from healthbridge.core import ConfigError, Settings, load_settings
from healthbridge.core.settings import env_name

app = typer.Typer(help="Inspect the hub's configuration.", no_args_is_help=True)


def _rows(model: BaseModel, prefix: tuple[str, ...] = ()) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for name, info in type(model).model_fields.items():
        value: Any = getattr(model, name)
        path = (*prefix, name)
        if isinstance(value, BaseModel):
            rows.extend(_rows(value, path))
            continue
        if isinstance(value, SecretStr):
            shown = "[dim]**********[/]"
        elif value is None:
            shown = "[dim]-[/]"
        else:
            shown = str(value)
        rows.append((".".join(path), shown, env_name(path), info.description or ""))
    return rows


@app.command("show")
def show() -> None:
    """Print every setting, its current value, the variable that sets it and what it does.

    Values come from healthbridge.yaml (or the file named by HEALTHBRIDGE_CONFIG) and
    HEALTHBRIDGE_ variables; secrets are shown masked and are read only from the
    environment or from files named by HEALTHBRIDGE_<KEY>_FILE.

    Examples:

        healthbridge config show

        HEALTHBRIDGE_ODOO__URL=https://erp.example.org healthbridge config show
    """
    try:
        settings: Settings = load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)
    table = Table(title="Healthbridge settings", show_lines=False)
    table.add_column("key", style="cyan", no_wrap=True)
    table.add_column("value")
    table.add_column("environment variable", style="dim")
    table.add_column("description")
    for row in _rows(settings):
        table.add_row(*row)
    console.print(table)
