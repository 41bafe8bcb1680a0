"""Fixtures: the Odoo and supplier sandboxes in-process, and a workflow stack on them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest

from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.events.bus import EventBus, open_event_bus
from healthbridge.events.server import start_embedded_server
from healthbridge.sandbox.odoo import RunningSandbox
from healthbridge.sandbox.payer import RunningPayer, start_payer
from healthbridge.sandbox.supplier import RunningSupplier, start_supplier
from healthbridge.store import create_store_engine, upgrade
from tests.integration.workflows.harness import Stack, open_stack
from tests.support.nats import events_settings

StackFactory = Callable[..., AbstractAsyncContextManager[Stack]]


@pytest.fixture
async def supplier() -> AsyncIterator[RunningSupplier]:
    """A supplier sandbox on a free port."""
    running = await start_supplier()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def payer() -> AsyncIterator[RunningPayer]:
    """A payer sandbox (OAuth token endpoint + FHIR Claim) on a free port."""
    running = await start_payer()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
def stack_factory(
    odoo_sandbox: RunningSandbox, supplier: RunningSupplier, tmp_path: Path
) -> StackFactory:
    """``async with stack_factory(approval_threshold=...) as stack``: a stack on SQLite."""

    def make(
        *, schedule_batch: bool = False, events: Any = None, **overrides: Any
    ) -> AbstractAsyncContextManager[Stack]:
        values: dict[str, Any] = {"supplier_url": supplier.url}
        values.update(overrides)
        return open_stack(
            store_url=f"sqlite+aiosqlite:///{(tmp_path / 'store.db').as_posix()}",
            data_dir=tmp_path,
            odoo_url=odoo_sandbox.url,
            odoo_database=odoo_sandbox.database,
            odoo_api_key=odoo_sandbox.api_keys["hub-integration"],
            settings=WorkflowsSettings(**values),
            schedule_batch=schedule_batch,
            events=events,
        )

    return make


@pytest.fixture
async def workflow_bus(tmp_path: Path) -> AsyncIterator[EventBus]:
    """An event bus on a fresh embedded JetStream server, with its own SQLite store."""
    url = f"sqlite+aiosqlite:///{(tmp_path / 'events.db').as_posix()}"
    await upgrade(url)
    engine = create_store_engine(url)
    server = await start_embedded_server(tmp_path / "nats", startup_timeout=10)
    try:
        async with open_event_bus(events_settings(server.url), engine, data_dir=tmp_path) as bus:
            yield bus
    finally:
        await server.stop()
        await engine.dispose()
