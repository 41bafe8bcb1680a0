"""Runs started from events: a StockLevelChanged on a real JetStream bus orders stock in Odoo."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from dbos import DBOS
from pydantic import SecretStr

from healthbridge.canonical.amounts import Quantity
from healthbridge.canonical.events import StockLevelChanged
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.references import Reference
from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.core.settings import OdooSettings
from healthbridge.events.bus import EventBus
from healthbridge.sandbox.odoo import RunningSandbox
from healthbridge.sandbox.supplier import RunningSupplier
from healthbridge.store import create_store_engine, upgrade_engine
from healthbridge.store.tasks import HumanTasks
from healthbridge.workflows.operations import WorkflowAdmin, decide_task
from healthbridge.workflows.replenishment import ReorderRule
from healthbridge.workflows.triggers import REPLENISHMENT_SUBSCRIPTION, workflow_triggers
from healthbridge.workflows.worker import open_workflow_worker
from tests.integration.workflows.conftest import StackFactory

WAIT = 20.0
RULE = ReorderRule(reorder_point=50, reorder_quantity=100, supplier_id=32)


def quant_changed(
    quant_id: int, product_id: int, location_id: int, quantity: float
) -> StockLevelChanged:
    return StockLevelChanged(
        record=Identifier.odoo("stock.quant", quant_id),
        occurred_at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
        product=Reference(identifier=Identifier.odoo("product.product", product_id)),
        location=Reference(identifier=Identifier.odoo("stock.location", location_id)),
        quantity=Quantity(value=Decimal(str(quantity)), unit="Units"),
    )


async def eventually(check: Callable[[], Awaitable[bool]], within: float = WAIT) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "the condition did not hold in time"
        await asyncio.sleep(0.1)


async def test_a_low_stock_event_orders_once_even_when_delivered_twice(
    stack_factory: StackFactory, workflow_bus: EventBus
) -> None:
    async with stack_factory(approval_threshold=10_000) as stack:
        workers = await workflow_triggers(workflow_bus, stack.odoo, stack.deps.settings, rule=RULE)
        assert len(workers) == 2
        (quant,) = await stack.odoo.search_read(
            "stock.quant", [("product_id", "=", 1), ("location_id", "=", 12)], ["quantity"]
        )
        await stack.odoo.write("stock.quant", [quant["id"]], {"quantity": 4})

        published = await workflow_bus.publish(
            quant_changed(quant["id"], 1, 12, 4), source_key=f"stock.quant:{quant['id']}:1"
        )
        reference = f"replenishment-1-12-{published.event_id}"

        async def confirmed() -> bool:
            orders = await stack.odoo.search_read(
                "purchase.order", [("origin", "=", reference)], ["state"]
            )
            return [o["state"] for o in orders] == ["purchase"]

        await eventually(confirmed)
        handle = await DBOS.retrieve_workflow_async(reference)
        outcome = await asyncio.wait_for(handle.get_result(), WAIT)
        assert (outcome.state, outcome.approval) == ("completed", "auto")

        await workflow_bus.replay(REPLENISHMENT_SUBSCRIPTION, from_seq=published.seq)

        async def acked_again() -> bool:
            (consumer,) = await workflow_bus.consumers(REPLENISHMENT_SUBSCRIPTION)
            return consumer.ack_floor_seq >= published.seq and consumer.ack_pending == 0

        await eventually(acked_again)
        runs = await DBOS.list_workflows_async(name="replenishment", load_input=False)
        assert [run.workflow_id for run in runs] == [reference]
        orders = await stack.odoo.search_read(
            "purchase.order", [("origin", "like", "replenishment-1-12-")], ["state"]
        )
        assert [o["state"] for o in orders] == ["purchase"]


async def test_a_stock_event_above_the_reorder_point_starts_nothing(
    stack_factory: StackFactory, workflow_bus: EventBus
) -> None:
    async with stack_factory(approval_threshold=10_000) as stack:
        enough = ReorderRule(reorder_point=10, reorder_quantity=100)
        await workflow_triggers(workflow_bus, stack.odoo, stack.deps.settings, rule=enough)
        published = await workflow_bus.publish(quant_changed(1, 1, 12, 40), source_key="q:40")

        async def acked() -> bool:
            (consumer,) = await workflow_bus.consumers(REPLENISHMENT_SUBSCRIPTION)
            return consumer.ack_floor_seq >= published.seq

        await eventually(acked)
        assert await DBOS.list_workflows_async(name="replenishment") == []


async def test_the_one_call_worker_orders_after_an_approval_given_outside_the_run(
    odoo_sandbox: RunningSandbox,
    supplier: RunningSupplier,
    workflow_bus: EventBus,
    tmp_path: Path,
) -> None:
    engine = create_store_engine(f"sqlite+aiosqlite:///{(tmp_path / 'hub.db').as_posix()}")
    await upgrade_engine(engine)
    odoo = await OdooClient.connect(
        OdooSettings(
            url=odoo_sandbox.url,
            database=odoo_sandbox.database,
            api_key=SecretStr(odoo_sandbox.api_keys["hub-integration"]),
        )
    )
    settings = WorkflowsSettings(
        supplier_url=supplier.url,
        approval_threshold=100,
        reorder_point=50,
        reorder_quantity=100,
        supplier_partner_id=32,
    )
    try:
        async with open_workflow_worker(
            settings, data_dir=tmp_path, engine=engine, odoo=odoo, bus=workflow_bus
        ) as worker:
            assert len(worker.triggers) == 2
            (quant,) = await odoo.search_read(
                "stock.quant", [("product_id", "=", 1), ("location_id", "=", 12)], ["quantity"]
            )
            await odoo.write("stock.quant", [quant["id"]], {"quantity": 4})
            published = await workflow_bus.publish(
                quant_changed(quant["id"], 1, 12, 4), source_key=f"stock.quant:{quant['id']}:2"
            )
            reference = f"replenishment-1-12-{published.event_id}"
            tasks = HumanTasks(engine)

            async def asked() -> bool:
                return await tasks.get(f"{reference}/approval") is not None

            await eventually(asked)
            with WorkflowAdmin.open(settings, tmp_path) as admin:
                await decide_task(
                    tasks, admin, f"{reference}/approval", "approved", by="alice", reason="short"
                )
            handle = await DBOS.retrieve_workflow_async(reference)
            outcome = await asyncio.wait_for(handle.get_result(), WAIT)
            assert (outcome.state, outcome.approval) == ("completed", "human")
            orders = await odoo.search_read(
                "purchase.order", [("origin", "=", reference)], ["state"]
            )
            assert [o["state"] for o in orders] == ["purchase"]
    finally:
        await odoo.close()
        await engine.dispose()
