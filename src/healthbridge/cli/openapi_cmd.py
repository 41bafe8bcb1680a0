"""``healthbridge openapi``: write the OpenAPI 3.1 document of the HTTP API."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.bootstrap import open_store
from healthbridge.cli.output import console, fail, run
from healthbridge.core import ConfigError, Settings, load_settings
from healthbridge.gateway.app import create_app
from healthbridge.gateway.health import health_router
from healthbridge.gateway.hub_app import hub_routers
from healthbridge.gateway.routes import RouteServices
from healthbridge.gateway.runtime import open_gateway
from healthbridge.services.change_capture import ChangeIntake
from healthbridge.services.ports import OdooPort
from healthbridge.store.read_model import InventoryReadModel

app = typer.Typer(help="Write the OpenAPI 3.1 document of the HTTP API.")


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)


class _NoOdoo:
    """Stands where the Odoo client would: building a document never calls Odoo."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("the OpenAPI document is built without Odoo")


def api_routers(engine: AsyncEngine) -> Sequence[APIRouter]:
    """The business, FHIR and health routers exactly as the served app includes them."""
    services = RouteServices.build(cast(OdooPort, _NoOdoo()), InventoryReadModel(engine))
    return hub_routers(services, health_router([]))


@app.callback(invoke_without_command=True)
def openapi(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Write the OpenAPI 3.1 document, as /openapi.json serves it, to a file or stdout.

    It is built from the code against a throw-away store: no running hub, Odoo or
    database is needed.

    Examples:

        healthbridge openapi > openapi.json

        healthbridge openapi --output docs/openapi.json
    """
    document = run(build_document(_settings()))
    text = json.dumps(document, indent=2, sort_keys=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    console.print(f"wrote {output} ({len(document.get('paths', {}))} paths)")


async def build_document(
    settings: Settings, routers: Sequence[APIRouter] | None = None
) -> dict[str, Any]:
    """The OpenAPI document of the app with ``routers`` (default: the served ones)."""
    with tempfile.TemporaryDirectory(prefix="healthbridge-openapi-") as folder:
        scratch = settings.model_copy(
            update={
                "data_dir": Path(folder),
                "store": settings.store.model_copy(update={"url": None}),
            }
        )
        async with open_store(scratch) as store, open_gateway(scratch, store.engine) as gateway:
            capture = ChangeIntake(store.changes, queue_size=1)
            included = api_routers(store.engine) if routers is None else routers
            return create_app(capture, scratch, gateway, routers=included).openapi()
