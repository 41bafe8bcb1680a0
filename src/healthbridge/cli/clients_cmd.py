"""``healthbridge clients``: the machine identities that may obtain access tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from rich.table import Table

from healthbridge.bootstrap import open_store
from healthbridge.cli.output import console, fail, run
from healthbridge.core import ConfigError, Settings, load_settings
from healthbridge.security.identities import ENVIRONMENTS
from healthbridge.store.clients import ClientRegistry

app = typer.Typer(
    help="Register, list, rotate and disable API clients (OAuth 2.0 client credentials).",
    no_args_is_help=True,
)


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="What the integration is, e.g. 'Ward stock portal'.")],
    scope: Annotated[
        list[str],
        typer.Option("--scope", "-s", help="A scope it may ask for; repeat the option."),
    ],
    environment: Annotated[
        str, typer.Option(help=f"The environment its tokens belong to: {', '.join(ENVIRONMENTS)}.")
    ] = "dev",
    purpose: Annotated[
        str | None, typer.Option(help="Purpose of use, e.g. TREAT, HPAYMT, HOPERAT.")
    ] = None,
    client_id: Annotated[
        str | None, typer.Option("--client-id", help="Choose the id (default: generated).")
    ] = None,
) -> None:
    """Register a client and print its secret - once: it is stored only as a hash.

    Examples:

        healthbridge clients add "Ward stock portal" -s inventory.read --environment prod

        healthbridge clients add "EHR" -s system/Patient.rs -s system/SupplyRequest.c \
            --purpose TREAT
    """
    run(_add(_settings(), name, scope, environment, purpose, client_id))


async def _add(
    settings: Settings,
    name: str,
    scopes: list[str],
    environment: str,
    purpose: str | None,
    client_id: str | None,
) -> None:
    async with open_store(settings) as store:
        client, secret = await ClientRegistry(store.engine).add(
            name, scopes=scopes, environment=environment, purpose=purpose, client_id=client_id
        )
    console.print(f"client_id     {client.client_id}")
    console.print(f"client_secret {secret}")
    console.print(
        "[yellow]Store the secret now: it is not shown again.[/] "
        "Get a token with POST /oauth/token (grant_type=client_credentials)."
    )


@app.command("list")
def list_clients() -> None:
    """List clients: id, name, environment, purpose, scopes, enabled. Never secrets.

    Examples:

        healthbridge clients list

        HEALTHBRIDGE_DATA_DIR=/var/lib/healthbridge healthbridge clients list
    """
    run(_list(_settings()))


async def _list(settings: Settings) -> None:
    async with open_store(settings) as store:
        clients = await ClientRegistry(store.engine).list()
    table = Table("client id", "name", "env", "purpose", "scopes", "enabled", "secret rotated")
    for client in clients:
        table.add_row(
            client.client_id,
            client.name,
            client.environment,
            client.purpose or "",
            " ".join(sorted(client.scopes)),
            "yes" if client.enabled else "[red]no[/]",
            client.updated_at.isoformat(timespec="seconds"),
        )
    console.print(table)


@app.command("rotate-secret")
def rotate_secret(
    client_id: Annotated[str, typer.Argument(help="The client (see `clients list`).")],
    overlap_hours: Annotated[
        float,
        typer.Option(min=0, help="How long the old secret keeps working (0: stops at once)."),
    ] = 0.0,
) -> None:
    """Give a client a new secret (printed once); the old one works for --overlap-hours.

    Examples:

        healthbridge clients rotate-secret hbc_1a2b3c4d

        healthbridge clients rotate-secret hbc_1a2b3c4d --overlap-hours 24
    """
    run(_rotate(_settings(), client_id, overlap_hours))


async def _rotate(settings: Settings, client_id: str, overlap_hours: float) -> None:
    async with open_store(settings) as store:
        secret = await ClientRegistry(store.engine).rotate_secret(
            client_id, overlap=timedelta(hours=overlap_hours)
        )
    console.print(f"client_secret {secret}")
    console.print("[yellow]Store the secret now: it is not shown again.[/]")


@app.command("disable")
def disable(
    client_id: Annotated[str, typer.Argument(help="The client (see `clients list`).")],
    enable: Annotated[bool, typer.Option("--enable", help="Enable it again instead.")] = False,
) -> None:
    """Disable a client: no new tokens, and its current tokens are refused within seconds.

    Examples:

        healthbridge clients disable hbc_1a2b3c4d

        healthbridge clients disable hbc_1a2b3c4d --enable
    """
    run(_disable(_settings(), client_id, enable))


async def _disable(settings: Settings, client_id: str, enable: bool) -> None:
    async with open_store(settings) as store:
        client = await ClientRegistry(store.engine).set_enabled(client_id, enable)
    state = "enabled" if client.enabled else "disabled"
    console.print(f"{client.client_id} {state}")
