"""Events on a real JetStream bus become one business timeline, read from a real Odoo sandbox.

A ward counts low, a purchase order is placed for the run, its goods are received and
the supplier's bill is posted, all in the Odoo sandbox; the relay's mapping turns each
record into its canonical event, published on the bus. The timeline recorder, linking
records through Odoo's source documents, shows the four steps under the run's key.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.canonical.changes import RecordedChange
from healthbridge.canonical.events import CanonicalEvent
from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.clock import utc_now
from healthbridge.core.settings import OdooSettings
from healthbridge.events.bus import EventBus
from healthbridge.mappings.events import RELAYED_FIELDS, events_for_change, source_key
from healthbridge.sandbox.odoo import RunningSandbox
from healthbridge.services.business_recorder import replenishment_id, supply_key
from healthbridge.services.business_trace import business_timeline
from healthbridge.store.business_events import BusinessEvents
from healthbridge.timeline_worker import open_timeline_recorder

WAIT = 20.0
REORDER_POINT = 10.0


async def eventually(check: Callable[[], Awaitable[bool]], within: float = WAIT) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "the condition did not hold in time"
        await asyncio.sleep(0.1)


async def _client(sandbox: RunningSandbox, login: str) -> OdooClient:
    return await OdooClient.connect(
        OdooSettings(
            url=sandbox.url,
            database=sandbox.database,
            login=login,
            api_key=SecretStr(sandbox.api_keys[login]),
        )
    )


@pytest.fixture
async def clients(odoo_sandbox: RunningSandbox) -> AsyncIterator[tuple[OdooClient, OdooClient]]:
    """The hub's integration user (what the recorder reads as) and a person (who edits)."""
    hub = await _client(odoo_sandbox, "hub-integration")
    person = await _client(odoo_sandbox, "admin")
    try:
        yield hub, person
    finally:
        await hub.close()
        await person.close()


async def _publish(bus: EventBus, odoo: OdooClient, model: str, record_id: int) -> str:
    """What the relay does for one change: read the record, map it, publish its event."""
    [record] = await odoo.read(model, [record_id], list(RELAYED_FIELDS[model]))
    now = datetime.now(UTC)
    change = RecordedChange(
        id=record_id,
        model=model,
        record_id=record_id,
        write_date=now,
        changed_fields=("state",),
        sources=("webhook",),
        seen_count=1,
        first_seen_at=now,
        last_seen_at=now,
    )
    events: list[CanonicalEvent] = events_for_change(change, record)
    assert len(events) == 1, f"{model}/{record_id} made {len(events)} events"
    published = await bus.publish(events[0], source_key=source_key(change))
    return published.event_id


async def _low_quant(odoo: OdooClient) -> dict[str, Any]:
    """A quant alone in its location for its product, counted down to 4."""
    quants = await odoo.search_read(
        "stock.quant",
        [("location_id.usage", "=", "internal"), ("quantity", ">", REORDER_POINT)],
        ["product_id", "location_id"],
        order="id",
    )
    for quant in quants:
        product, location = quant["product_id"][0], quant["location_id"][0]
        same = await odoo.search_count(
            "stock.quant", [("product_id", "=", product), ("location_id", "=", location)]
        )
        if same == 1:
            await odoo.write("stock.quant", [quant["id"]], {"quantity": 4})
            return quant
    raise AssertionError("the sandbox has no quant alone in its location")


async def test_published_supply_events_become_one_timeline_under_the_run_key(
    event_bus: EventBus,
    events_engine: AsyncEngine,
    clients: tuple[OdooClient, OdooClient],
) -> None:
    hub, person = clients
    async with open_timeline_recorder(event_bus, hub, events_engine, reorder_point=REORDER_POINT):
        quant = await _low_quant(person)
        stock_event = await _publish(event_bus, person, "stock.quant", quant["id"])
        run = replenishment_id(quant["product_id"][0], quant["location_id"][0], stock_event)

        vendors = await person.search_read("res.partner", [("supplier_rank", ">", 0)], ["id"])
        [order_id] = await person.create(
            "purchase.order",
            [
                {
                    "partner_id": vendors[0]["id"],
                    "origin": run,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": quant["product_id"][0],
                                "product_qty": 50,
                                "price_unit": 2.5,
                            },
                        )
                    ],
                }
            ],
        )
        await person.call("purchase.order", "button_confirm", [order_id])
        [order] = await person.read("purchase.order", [order_id], ["name", "picking_ids"])
        await person.call("stock.picking", "button_validate", order["picking_ids"])
        moves = await person.search_read(
            "stock.move", [("picking_id", "in", order["picking_ids"])], ["id"]
        )
        [bill_id] = await person.create(
            "account.move",
            [
                {
                    "move_type": "in_invoice",
                    "partner_id": vendors[0]["id"],
                    "invoice_origin": order["name"],
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": quant["product_id"][0],
                                "quantity": 50,
                                "price_unit": 2.5,
                            },
                        )
                    ],
                }
            ],
        )
        await person.call("account.move", "action_post", [bill_id])

        await _publish(event_bus, person, "purchase.order", order_id)
        await _publish(event_bus, person, "stock.move", moves[0]["id"])
        await _publish(event_bus, person, "account.move", bill_id)

        events = BusinessEvents(events_engine)

        async def four_steps() -> bool:
            return len(await events.timeline(supply_key(run))) == 4

        await eventually(four_steps)

    timeline = await business_timeline(events, supply_key(run), utc_now())
    assert [(s.step, s.system, s.status) for s in timeline.steps] == [
        ("supply_request", "hub", "on_time"),
        ("purchase_order", "odoo", "on_time"),
        ("receipt", "odoo", "on_time"),
        ("vendor_bill", "odoo", "on_time"),
        ("payment", "odoo", "pending"),
    ]
    assert timeline.steps[1].record_ref == f"purchase.order/{order_id} {order['name']}"
    assert timeline.steps[3].record_ref.startswith(f"account.move/{bill_id} ")
    assert await events.recent_keys() == [supply_key(run)]
