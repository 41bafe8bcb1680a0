"""Business steps from canonical events: a whole supply chain lands under one key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from healthbridge.canonical.changes import RecordedChange
from healthbridge.canonical.events import CanonicalEvent
from healthbridge.core.errors import UnavailableError
from healthbridge.events import ACK, Nak, ReceivedEvent
from healthbridge.mappings.events import events_for_change
from healthbridge.services.business_recorder import (
    BusinessEntry,
    BusinessRecorder,
    first_document,
    replenishment_id,
    request_of_order,
    supply_key,
)
from healthbridge.services.business_trace import build_timeline
from healthbridge.testing import FakeOdoo
from healthbridge.timeline_worker import TIMELINE_SUBSCRIPTION, TimelineHandler
from healthbridge.workflows.replenishment.model import StockLow

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
STOCK_EVENT = "0b6f3f4e-6e7c-5d55-9a43-3c1c4a2f7d10"
PRODUCT, LOCATION = 7, 12
RUN = replenishment_id(PRODUCT, LOCATION, STOCK_EVENT)


@dataclass
class MemorySink:
    """The business-event sink contract (one row per key, step and record)."""

    rows: dict[tuple[str, str, str], tuple[str, datetime, str | None]]

    async def record(
        self,
        business_key: str,
        step: str,
        system: str,
        record_ref: str,
        at: datetime,
        *,
        trace_id: str | None = None,
    ) -> bool:
        key = (business_key, step, record_ref)
        if key in self.rows:
            return False
        self.rows[key] = (system, at, trace_id)
        return True


@dataclass(frozen=True)
class Step:
    """A recorded step as the timeline reads it."""

    business_key: str
    step: str
    system: str
    record_ref: str
    occurred_at: datetime
    trace_id: str | None


def _event(model: str, record_id: int, after: timedelta, record: dict[str, Any]) -> CanonicalEvent:
    """The one event the real relay mapping makes of this change version."""
    at = T0 + after
    change = RecordedChange(
        id=record_id,
        model=model,
        record_id=record_id,
        write_date=at,
        changed_fields=("state",),
        sources=("webhook",),
        seen_count=1,
        first_seen_at=at,
        last_seen_at=at,
    )
    # The record's own event first (a customer invoice also announces its milestone).
    return events_for_change(change, {"id": record_id, **record})[0]


def _quant(quantity: float) -> CanonicalEvent:
    return _event(
        "stock.quant",
        40,
        timedelta(0),
        {
            "product_id": [PRODUCT, "Gauze"],
            "location_id": [LOCATION, "WH/Ward A"],
            "lot_id": False,
            "quantity": quantity,
            "reserved_quantity": 0,
        },
    )


ORDER, CLIENT_ORDER = 1, 2
RECEIPT_MOVE, INTERNAL_MOVE = 1, 2
BILL, CUSTOMER_INVOICE = 1, 2


async def _odoo(*, quant: float = 4.0, order_origin: str | bool = RUN) -> FakeOdoo:
    """An Odoo holding the records the events are about, with their source documents."""
    odoo = FakeOdoo()
    await odoo.create(
        "stock.quant", [{"product_id": PRODUCT, "location_id": LOCATION, "quantity": quant}]
    )
    await odoo.create(
        "purchase.order",
        [
            {"name": "P00017", "origin": order_origin},
            {"name": "P00018", "origin": "SO-CLIENT-9"},
        ],
    )
    await odoo.create(
        "stock.move",
        [
            {"origin": "P00017", "purchase_line_id": 33},
            {"origin": "WH/INT/00002", "purchase_line_id": False},
        ],
    )
    await odoo.create(
        "account.move",
        [
            {"move_type": "in_invoice", "invoice_origin": "P00017, P00018"},
            {"move_type": "out_invoice", "invoice_origin": False},
        ],
    )
    return odoo


def _order(after: timedelta, order_id: int = ORDER, name: str = "P00017") -> CanonicalEvent:
    return _event(
        "purchase.order",
        order_id,
        after,
        {
            "state": "purchase",
            "name": name,
            "partner_id": [32, "Medline"],
            "amount_total": 240.0,
            "currency_id": [1, "USD"],
        },
    )


def _receipt(after: timedelta, move_id: int = RECEIPT_MOVE) -> CanonicalEvent:
    return _event(
        "stock.move",
        move_id,
        after,
        {
            "state": "done",
            "reference": "WH/IN/00005",
            "product_id": [PRODUCT, "Gauze"],
            "location_id": [4, "Vendors"],
            "location_dest_id": [LOCATION, "WH/Ward A"],
            "quantity": 50,
            "lot_id": False,
        },
    )


def _bill(after: timedelta, payment_state: str, move_id: int = BILL) -> CanonicalEvent:
    return _event(
        "account.move",
        move_id,
        after,
        {
            "state": "posted",
            "move_type": "in_invoice" if move_id == BILL else "out_invoice",
            "payment_state": payment_state,
            "name": "BILL/2026/00009" if move_id == BILL else "INV/2026/00010",
            "partner_id": [32, "Medline"],
            "amount_total": 240.0,
            "amount_residual": 240.0 if payment_state == "not_paid" else 0.0,
            "currency_id": [1, "USD"],
        },
    )


async def _entries(
    odoo: FakeOdoo, event: CanonicalEvent, event_id: str = "e"
) -> list[BusinessEntry]:
    recorder = BusinessRecorder(odoo, MemorySink({}), reorder_point=10.0)
    return await recorder.entries(event, event_id)


def test_the_supply_request_key_is_the_replenishment_run_id_the_workflow_uses() -> None:
    request = StockLow(
        event_id=STOCK_EVENT,
        product_id=PRODUCT,
        sku="GZ-1",
        location_id=LOCATION,
        quantity_on_hand=4,
        reorder_point=10,
        reorder_quantity=50,
    )
    assert request.workflow_id == RUN
    assert supply_key(RUN) == f"supply:{request.workflow_id}"


async def test_a_whole_supply_chain_from_the_relay_events_lands_under_one_key() -> None:
    odoo = await _odoo()
    sink = MemorySink({})
    recorder = BusinessRecorder(odoo, sink, reorder_point=10.0)
    chain = [
        (_quant(4.0), STOCK_EVENT),
        (_order(timedelta(minutes=20)), "e2"),
        (_receipt(timedelta(days=3)), "e3"),
        (_bill(timedelta(days=4), "not_paid"), "e4"),
        (_bill(timedelta(days=20), "paid"), "e5"),
    ]
    for event, event_id in chain:
        await recorder.record(event, event_id, trace_id="a" * 32)

    assert {key for key, _, _ in sink.rows} == {f"supply:{RUN}"}
    recorded = [
        Step(key, step, system, ref, at, trace)
        for (key, step, ref), (system, at, trace) in sink.rows.items()
    ]
    timeline = build_timeline(f"supply:{RUN}", recorded, now=T0 + timedelta(days=21))
    assert [(s.step, s.system, s.record_ref, s.status) for s in timeline.steps] == [
        ("supply_request", "hub", f"workflow/{RUN}", "on_time"),
        ("purchase_order", "odoo", "purchase.order/1 P00017", "on_time"),
        ("receipt", "odoo", "stock.move/1 WH/IN/00005", "on_time"),
        ("vendor_bill", "odoo", "account.move/1 BILL/2026/00009", "on_time"),
        ("payment", "odoo", "account.move/1 BILL/2026/00009", "on_time"),
    ]
    assert {s.trace_id for s in timeline.steps} == {"a" * 32}


async def test_an_event_delivered_twice_records_its_step_once() -> None:
    odoo = await _odoo()
    recorder = BusinessRecorder(odoo, MemorySink({}), reorder_point=10.0)
    first = await recorder.record(_order(timedelta(minutes=5)), "e1")
    again = await recorder.record(_order(timedelta(minutes=5)), "e1")
    assert [e.step for e in first] == ["purchase_order"]
    assert again == []


async def test_a_stock_level_at_or_above_the_reorder_point_is_no_supply_request() -> None:
    assert await _entries(await _odoo(quant=10.0), _quant(10.0)) == []
    # The event's quant is low, but the location holds enough across its quants.
    odoo = await _odoo(quant=4.0)
    await odoo.create(
        "stock.quant", [{"product_id": PRODUCT, "location_id": LOCATION, "quantity": 30.0}]
    )
    assert await _entries(odoo, _quant(4.0)) == []


async def test_a_process_that_starts_no_runs_records_no_supply_request() -> None:
    recorder = BusinessRecorder(await _odoo(), MemorySink({}), reorder_point=None)
    assert await recorder.entries(_quant(1.0), STOCK_EVENT) == []
    assert [e.step for e in await recorder.entries(_order(timedelta(0)), "e")] == ["purchase_order"]


async def test_an_order_without_origin_starts_its_own_chain_under_its_name() -> None:
    [entry] = await _entries(await _odoo(order_origin=False), _order(timedelta(0)))
    assert entry.business_key == "supply:P00017"
    [client] = await _entries(
        await _odoo(), _order(timedelta(0), order_id=CLIENT_ORDER, name="P00018")
    )
    assert client.business_key == "supply:SO-CLIENT-9"


async def test_customer_invoices_and_internal_moves_are_not_supply_steps() -> None:
    odoo = await _odoo()
    assert await _entries(odoo, _bill(timedelta(0), "not_paid", move_id=CUSTOMER_INVOICE)) == []
    assert await _entries(odoo, _receipt(timedelta(0), move_id=INTERNAL_MOVE)) == []


async def test_no_entry_carries_more_than_record_ids_and_document_numbers() -> None:
    odoo = await _odoo()
    events = [
        _quant(4.0),
        _order(timedelta(0)),
        _receipt(timedelta(1)),
        _bill(timedelta(2), "paid"),
    ]
    entries = [entry for event in events for entry in await _entries(odoo, event, STOCK_EVENT)]
    assert len(entries) == 4
    for entry in entries:
        assert entry.business_key == f"supply:{RUN}"
        assert "Gauze" not in entry.record_ref
        assert "Medline" not in entry.record_ref
        assert "240" not in entry.record_ref


def test_an_origin_naming_several_documents_links_to_the_first() -> None:
    assert first_document("P00017, P00018") == "P00017"
    assert first_document("  ") is None
    assert first_document(False) is None
    assert request_of_order(False, "P00017") == "P00017"
    assert request_of_order(" SR-1042 ", "P00017") == "SR-1042"
    assert request_of_order(False, False) is None


def _received(event: CanonicalEvent, event_id: str) -> ReceivedEvent:
    cloudevent = {
        "id": event_id,
        "type": event.event_type,
        "traceparent": f"00-{'b' * 32}-{'c' * 16}-01",
    }
    return ReceivedEvent(event, cloudevent, TIMELINE_SUBSCRIPTION, "HB_PURCHASING", 1, 1)


async def test_the_subscription_acks_a_recorded_step_with_the_event_trace_id() -> None:
    sink = MemorySink({})
    handler = TimelineHandler(BusinessRecorder(await _odoo(), sink, reorder_point=10.0))
    assert await handler(_received(_order(timedelta(0)), "e1")) == ACK
    [(system, _, trace)] = sink.rows.values()
    assert (system, trace) == ("odoo", "b" * 32)


async def test_the_subscription_asks_again_later_when_odoo_cannot_answer() -> None:
    odoo = await _odoo()
    odoo.failures.append(UnavailableError("Odoo is down"))
    sink = MemorySink({})
    handler = TimelineHandler(BusinessRecorder(odoo, sink, reorder_point=10.0))
    outcome = await handler(_received(_order(timedelta(0)), "e1"))
    assert isinstance(outcome, Nak)
    assert outcome.code == "healthbridge.unavailable"
    assert sink.rows == {}
    assert await handler(_received(_order(timedelta(0)), "e1")) == ACK
    assert len(sink.rows) == 1
