"""The event triggers decide without DBOS: start, ack what needs no run, nak what failed."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import SecretStr

from healthbridge.canonical.amounts import Money, Quantity
from healthbridge.canonical.events import InvoicePosted, StockLevelChanged
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.references import Reference
from healthbridge.core.errors import UnavailableError
from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.events.delivery import ReceivedEvent
from healthbridge.events.outcomes import ACK, Nak
from healthbridge.workflows.replenishment import ReorderRule
from healthbridge.workflows.triggers import PayerClaimTrigger, ReplenishmentTrigger, trace_id_of

WHEN = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


class FakeOdoo:
    """Quants, products, partners and tags in memory; ``down`` makes every call fail."""

    def __init__(self, on_hand: float = 4, *, down: bool = False) -> None:
        self.on_hand = on_hand
        self.down = down

    async def search_read(self, model: str, *_: Any, **__: Any) -> list[dict[str, Any]]:
        if self.down:
            raise UnavailableError("odoo is down")
        return [{"id": 9, "quantity": self.on_hand}]

    async def read(self, model: str, ids: list[int], fields: list[str]) -> list[dict[str, Any]]:
        if model == "product.product":
            return [{"id": ids[0], "default_code": "GLV-NIT-S", "name": "Gloves"}]
        if model == "res.partner":
            return [{"id": ids[0], "ref": "MRN-7" if ids[0] == 7 else False, "category_id": [3]}]
        return [{"id": 3, "name": "Patient"}]


def received(event: Any, event_id: str = "evt-1") -> ReceivedEvent:
    return ReceivedEvent(
        event=event,
        cloudevent={"id": event_id, "traceparent": f"00-{TRACE}-00f067aa0ba902b7-01"},
        subscription="workflows-test",
        stream="T_INVENTORY",
        stream_seq=1,
        delivery=1,
    )


def stock(product: Identifier | None = None) -> StockLevelChanged:
    return StockLevelChanged(
        record=Identifier.odoo("stock.quant", 9),
        occurred_at=WHEN,
        product=Reference(identifier=product or Identifier.odoo("product.product", 1)),
        location=Reference(identifier=Identifier.odoo("stock.location", 12)),
        quantity=Quantity(value=Decimal(4)),
    )


def invoice(partner_id: int) -> InvoicePosted:
    return InvoicePosted(
        record=Identifier.odoo("account.move", 5),
        occurred_at=WHEN,
        partner=Reference(identifier=Identifier.odoo("res.partner", partner_id)),
        amount_total=Money(amount=Decimal(120), currency="EUR"),
    )


class Starts(list[Any]):
    async def __call__(self, request: Any) -> None:
        self.append(request)


async def test_a_low_stock_event_starts_a_run_keyed_by_the_event_id() -> None:
    starts = Starts()
    trigger = ReplenishmentTrigger(FakeOdoo(4), ReorderRule(10, 50), start=starts)
    assert await trigger(received(stock(), "evt-9")) == ACK
    assert await trigger(received(stock(), "evt-9")) == ACK
    assert [r.workflow_id for r in starts] == ["replenishment-1-12-evt-9"] * 2
    assert starts[0].trace_id == TRACE
    assert starts[0].sku == "GLV-NIT-S"


async def test_a_stock_level_at_the_reorder_point_is_acked_without_a_run() -> None:
    starts = Starts()
    trigger = ReplenishmentTrigger(FakeOdoo(10), ReorderRule(10, 50), start=starts)
    assert await trigger(received(stock())) == ACK
    assert starts == []


async def test_a_stock_event_not_about_an_odoo_product_is_acked_without_a_run() -> None:
    starts = Starts()
    trigger = ReplenishmentTrigger(FakeOdoo(), ReorderRule(10, 50), start=starts)
    foreign = Identifier(system="urn:oid:1.2.3", value="1")
    assert await trigger(received(stock(foreign))) == ACK
    assert starts == []


async def test_odoo_being_down_naks_the_event_so_it_is_delivered_again() -> None:
    trigger = ReplenishmentTrigger(FakeOdoo(down=True), ReorderRule(10, 50), start=Starts())
    outcome = await trigger(received(stock()))
    assert isinstance(outcome, Nak)
    assert outcome.code == "healthbridge.unavailable"


async def test_a_failing_start_naks_the_event() -> None:
    async def broken(_: Any) -> None:
        raise RuntimeError("system database gone")

    trigger = ReplenishmentTrigger(FakeOdoo(), ReorderRule(10, 50), start=broken)
    assert await trigger(received(stock())) == Nak(code="RuntimeError")


async def test_invoices_are_skipped_while_no_payer_is_configured() -> None:
    starts = Starts()
    trigger = PayerClaimTrigger(FakeOdoo(), WorkflowsSettings(), start=starts)
    assert await trigger(received(invoice(7))) == ACK
    assert starts == []


async def test_a_covered_patients_invoice_starts_a_claim_with_the_ref_as_coverage() -> None:
    starts = Starts()
    settings = WorkflowsSettings(payer_client_secret=SecretStr("s"))
    trigger = PayerClaimTrigger(FakeOdoo(), settings, start=starts)
    assert await trigger(received(invoice(7), "evt-inv")) == ACK
    assert await trigger(received(invoice(8))) == ACK  # no ref: not covered
    (request,) = starts
    assert (request.invoice_id, request.coverage, request.event_id) == (5, "MRN-7", "evt-inv")
    assert request.workflow_id == "payer-claim-5"


def test_a_trace_id_is_read_only_from_a_well_formed_traceparent() -> None:
    assert trace_id_of({"traceparent": f"00-{TRACE}-00f067aa0ba902b7-01"}) == TRACE
    assert trace_id_of({"traceparent": "garbage"}) is None
    assert trace_id_of({}) is None
