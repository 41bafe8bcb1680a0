"""A real workflow stack for tests: store, Odoo client, supplier client, DBOS runtime.

Used in-process by the integration tests and by the worker subprocess of the fault
tests, so both run exactly the same wiring (the one bootstrap will do).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.core.settings import OdooSettings
from healthbridge.services.event_ports import EventPublisherPort
from healthbridge.store import create_store_engine, upgrade_engine
from healthbridge.store.reconciliation import BatchMirror, ReconciliationReports
from healthbridge.store.tasks import HumanTasks
from healthbridge.workflows import WorkflowDependencies, WorkflowRuntime
from healthbridge.workflows.dependencies import dependencies
from healthbridge.workflows.runtime import open_workflows


@dataclass(frozen=True)
class Stack:
    """What a test reaches through: the runtime and the adapters behind the steps."""

    runtime: WorkflowRuntime
    deps: WorkflowDependencies
    odoo: OdooClient
    tasks: HumanTasks
    reports: ReconciliationReports
    mirror: BatchMirror


@asynccontextmanager
async def open_stack(
    *,
    store_url: str,
    data_dir: Path,
    odoo_url: str,
    odoo_database: str,
    odoo_api_key: str,
    settings: WorkflowsSettings,
    events: EventPublisherPort | None = None,
    on_pause: Callable[[str], None] | None = None,
    heartbeat: bool = False,
    schedule_batch: bool = False,
) -> AsyncIterator[Stack]:
    """Everything opened in order and closed in reverse, wired as the worker wires it."""
    async with AsyncExitStack() as stack:
        engine = create_store_engine(store_url)
        stack.push_async_callback(engine.dispose)
        await upgrade_engine(engine)
        odoo = await OdooClient.connect(
            OdooSettings(url=odoo_url, database=odoo_database, api_key=SecretStr(odoo_api_key))
        )
        stack.push_async_callback(odoo.close)
        runtime = await stack.enter_async_context(
            open_workflows(
                settings,
                data_dir=data_dir,
                engine=engine,
                odoo=odoo,
                events=events,
                heartbeat=heartbeat,
                schedule_batch=schedule_batch,
                on_pause=on_pause,
            )
        )
        deps = dependencies()
        yield Stack(
            runtime,
            deps,
            odoo,
            HumanTasks(engine),
            ReconciliationReports(engine),
            BatchMirror(engine),
        )


def stock_low(event_id: str = "evt-1", **overrides: Any) -> Any:
    """A StockLow for a demo product (Foley catheter 12 Fr) at a demo location."""
    from healthbridge.workflows.replenishment import StockLow  # noqa: PLC0415

    values: dict[str, Any] = {
        "event_id": event_id,
        "product_id": 26,
        "sku": "CTH-FOL-12",
        "product_name": "Foley Catheter 2-Way Silicone 12 Fr",
        "location_id": 12,
        "quantity_on_hand": 3,
        "reorder_point": 20,
        "reorder_quantity": 40,
        "supplier_id": 32,
    }
    values.update(overrides)
    return StockLow(**values)
