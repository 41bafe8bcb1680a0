"""Route-test peers: a hub client to the Odoo sandbox over HTTP and a read-model store.

Imported by the route and FHIR test modules (the folder's conftest belongs to the
platform's tests); the integrator may move these into that conftest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.settings import OdooSettings
from healthbridge.sandbox.odoo import RunningSandbox
from healthbridge.store import create_store_engine
from healthbridge.store.read_model_schema import read_products, read_quants
from healthbridge.store.schema import metadata


@pytest.fixture
async def hub_odoo(odoo_sandbox: RunningSandbox) -> AsyncIterator[OdooClient]:
    """The hub's own Odoo client (the integration user), talking JSON-2 to the sandbox."""
    client = await OdooClient.connect(
        OdooSettings(
            url=odoo_sandbox.url,
            database=odoo_sandbox.database,
            login="hub-integration",
            api_key=SecretStr(odoo_sandbox.api_keys["hub-integration"]),
            retry_attempts=1,
        )
    )
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
async def read_model_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A SQLite store holding just the read-model tables (the migration is tested apart)."""
    engine = create_store_engine(f"sqlite+aiosqlite:///{tmp_path / 'read_model.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(
            lambda sync: metadata.create_all(sync, tables=[read_products, read_quants])
        )
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def orm(odoo_sandbox: RunningSandbox) -> Any:
    """Call the sandbox ORM directly as its admin, to arrange and inspect Odoo state."""

    def call(model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return odoo_sandbox.db.execute_kw(2, model, method, list(args), kwargs).value

    return call
