"""How the CLI talks to a person: one Rich console, and errors that say what to do."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console

from healthbridge.core import HealthbridgeError

console = Console()
errors = Console(stderr=True)

T = TypeVar("T")


def fail(message: str, *, code: str = "cli.usage", exit_code: int = 2) -> NoReturn:
    """Print ``message`` as an error with its stable code and stop."""
    errors.print(f"[bold red]error[/] [dim]({code})[/] {message}")
    raise typer.Exit(exit_code)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run an async command; a Healthbridge error becomes a readable message, not a traceback."""
    try:
        return asyncio.run(coroutine)
    except HealthbridgeError as exc:
        fail(exc.safe_message, code=exc.code, exit_code=1)
    except KeyboardInterrupt:
        errors.print("[yellow]interrupted[/]")
        raise typer.Exit(130) from None
