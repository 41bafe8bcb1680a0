"""Business-transaction steps from canonical events: which step of which supply request.

The event backbone already carries every fact a timeline needs, except the link between
records: a purchase order confirmed in Odoo does not say which supply request it serves.
Odoo keeps that link in its "source document" fields, so the recorder reads them:

- a stock level below the reorder point is the **supply request** a replenishment run
  starts for; its key is the run's id (``replenishment-<product>-<location>-<event>``),
  which is also the purchase order's ``origin``;
- a confirmed **purchase order** belongs to the request named by its ``origin`` (a run
  id, or the client's order reference for orders placed through the API); an order with
  no origin starts its own chain under its name;
- a done stock move whose ``origin`` is a purchase order's name is its **receipt**;
- a vendor bill (``in_invoice``) whose ``invoice_origin`` names a purchase order is its
  **vendor bill**, and the same bill paid is the supplier **payment**.

Every step is recorded under ``supply:<request>`` so one key shows the whole chain. A
step names its record (``purchase.order/17 P00017``) and never carries content: customer
invoices, which may name a patient, are not recorded here at all.

The pure functions build the entries; ``BusinessRecorder`` does the reads through the
Odoo port and writes through the business-event sink.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from healthbridge.canonical.events import (
    CanonicalEvent,
    InvoicePaid,
    InvoicePosted,
    PurchaseOrderConfirmed,
    StockLevelChanged,
    StockMoveDone,
)
from healthbridge.canonical.identifiers import Identifier, odoo_system
from healthbridge.canonical.references import Reference
from healthbridge.observability.correlation import BusinessEventSink
from healthbridge.services.ports import OdooPort

SUPPLY_KEY_PREFIX: Final = "supply:"
"""Business keys of the supply chain start with this."""
REPLENISHMENT_PREFIX: Final = "replenishment-"
"""A replenishment run's id (and its purchase order's origin) starts with this."""
ODOO: Final = "odoo"
HUB: Final = "hub"
_MAX_KEY: Final = 200
_MAX_REF: Final = 200


@dataclass(frozen=True, slots=True)
class BusinessEntry:
    """One step to record: what ``system`` did for ``business_key``, as which record, when."""

    business_key: str
    step: str
    system: str
    record_ref: str
    occurred_at: datetime


def supply_key(request: str) -> str:
    """The business key of the supply request ``request`` (a run id or an order reference)."""
    return f"{SUPPLY_KEY_PREFIX}{request}"[:_MAX_KEY]


def replenishment_id(product_id: int, location_id: int, event_id: str) -> str:
    """The id of the replenishment run a stock event starts (as the workflow names it)."""
    return f"{REPLENISHMENT_PREFIX}{product_id}-{location_id}-{event_id}"


def odoo_id(identifier: Identifier | None, model: str) -> int | None:
    """The Odoo record id ``identifier`` names when it is a ``model`` record, else None."""
    if identifier is None or identifier.system != odoo_system(model):
        return None
    try:
        value = int(identifier.value or "")
    except ValueError:
        return None
    return value if value > 0 else None


def _ref_id(reference: Reference | None, model: str) -> int | None:
    return odoo_id(None if reference is None else reference.identifier, model)


def record_ref(event: CanonicalEvent, label: str | None = None) -> str:
    """``<model>/<id>`` of the event's record, followed by its document number when known."""
    subject = event.subject()
    return (f"{subject} {label}" if label else subject)[:_MAX_REF]


def request_of_order(origin: object, name: object) -> str | None:
    """The supply request a purchase order serves: its origin, else its own name."""
    for candidate in (origin, name):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return None


def first_document(origin: object) -> str | None:
    """The first document an Odoo ``origin`` names (``"P00017, P00018"`` -> ``P00017``)."""
    if not isinstance(origin, str):
        return None
    first = origin.split(",", 1)[0].strip()
    return first or None


def supply_request_entry(
    event: StockLevelChanged, event_id: str, *, on_hand: float, reorder_point: float
) -> BusinessEntry | None:
    """The supply request a stock level starts, when the location is below its reorder point.

    ``on_hand`` is the location's whole quantity of the product (all its quants), as the
    replenishment trigger sums it; below ``reorder_point`` a run starts under the id this
    entry's key names.
    """
    product_id = _ref_id(event.product, "product.product")
    location_id = _ref_id(event.location, "stock.location")
    if product_id is None or location_id is None or on_hand >= reorder_point:
        return None
    request = replenishment_id(product_id, location_id, event_id)
    reference = f"workflow/{request}"[:_MAX_REF]
    return BusinessEntry(supply_key(request), "supply_request", HUB, reference, event.occurred_at)


def purchase_order_entry(event: PurchaseOrderConfirmed, request: str) -> BusinessEntry:
    """The purchase order step of ``request``."""
    return BusinessEntry(
        supply_key(request),
        "purchase_order",
        ODOO,
        record_ref(event, event.reference),
        event.occurred_at,
    )


def receipt_entry(event: StockMoveDone, request: str) -> BusinessEntry:
    """The goods receipt step of ``request`` (one done move of the order's receipt)."""
    return BusinessEntry(
        supply_key(request), "receipt", ODOO, record_ref(event, event.reference), event.occurred_at
    )


def bill_entry(event: InvoicePosted | InvoicePaid, request: str) -> BusinessEntry:
    """The vendor bill step (posted) or the supplier payment step (paid) of ``request``."""
    step = "payment" if isinstance(event, InvoicePaid) else "vendor_bill"
    return BusinessEntry(
        supply_key(request), step, ODOO, record_ref(event, event.number), event.occurred_at
    )


class BusinessRecorder:
    """Turns each canonical event into the business steps it is, and records them.

    An event that is no step of a known chain (a stock level above its reorder point, a
    customer invoice, a move not received from a purchase) gives no entry. Recording is
    idempotent in the sink, so a redelivered event changes nothing.

    ``reorder_point`` is the replenishment trigger's; None in a process that starts no
    replenishment runs, which then records no supply request (a purchase order's chain
    shows it ``missing`` rather than promising a run that nothing starts).
    """

    def __init__(
        self, odoo: OdooPort, sink: BusinessEventSink, *, reorder_point: float | None
    ) -> None:
        self._odoo = odoo
        self._sink = sink
        self._reorder_point = reorder_point

    async def entries(self, event: CanonicalEvent, event_id: str) -> list[BusinessEntry]:
        """The steps ``event`` (CloudEvent id ``event_id``) is, read links included."""
        if isinstance(event, StockLevelChanged):
            return await self._stock_level(event, event_id)
        if isinstance(event, PurchaseOrderConfirmed):
            return await self._purchase_order(event)
        if isinstance(event, StockMoveDone):
            return await self._stock_move(event)
        if isinstance(event, InvoicePosted | InvoicePaid):
            return await self._invoice(event)
        return []

    async def record(
        self, event: CanonicalEvent, event_id: str, *, trace_id: str | None = None
    ) -> list[BusinessEntry]:
        """Record the steps of ``event``; returns those not recorded before."""
        recorded: list[BusinessEntry] = []
        for entry in await self.entries(event, event_id):
            new = await self._sink.record(
                entry.business_key,
                entry.step,
                entry.system,
                entry.record_ref,
                entry.occurred_at,
                trace_id=trace_id,
            )
            if new:
                recorded.append(entry)
        return recorded

    async def _stock_level(self, event: StockLevelChanged, event_id: str) -> list[BusinessEntry]:
        product_id = _ref_id(event.product, "product.product")
        location_id = _ref_id(event.location, "stock.location")
        # One quant at or above the point means the location is too: no read needed.
        point = self._reorder_point
        if point is None or product_id is None or location_id is None:
            return []
        if float(event.quantity.value) >= point:
            return []
        quants = await self._odoo.search_read(
            "stock.quant",
            [("product_id", "=", product_id), ("location_id", "=", location_id)],
            ["quantity"],
        )
        on_hand = sum(float(quant.get("quantity") or 0.0) for quant in quants)
        entry = supply_request_entry(event, event_id, on_hand=on_hand, reorder_point=point)
        return [] if entry is None else [entry]

    async def _purchase_order(self, event: PurchaseOrderConfirmed) -> list[BusinessEntry]:
        order_id = odoo_id(event.record, "purchase.order")
        if order_id is None:
            return []
        orders = await self._odoo.read("purchase.order", [order_id], ["origin", "name"])
        if not orders:
            return []
        request = request_of_order(orders[0].get("origin"), orders[0].get("name"))
        return [] if request is None else [purchase_order_entry(event, request)]

    async def _stock_move(self, event: StockMoveDone) -> list[BusinessEntry]:
        move_id = odoo_id(event.record, "stock.move")
        if move_id is None:
            return []
        moves = await self._odoo.read("stock.move", [move_id], ["origin", "purchase_line_id"])
        if not moves or not moves[0].get("purchase_line_id"):
            return []  # not received from a purchase: an internal move or a delivery
        request = await self._request_of_order_named(first_document(moves[0].get("origin")))
        return [] if request is None else [receipt_entry(event, request)]

    async def _invoice(self, event: InvoicePosted | InvoicePaid) -> list[BusinessEntry]:
        move_id = odoo_id(event.record, "account.move")
        if move_id is None:
            return []
        bills = await self._odoo.read("account.move", [move_id], ["move_type", "invoice_origin"])
        if not bills or bills[0].get("move_type") != "in_invoice":
            return []  # customer invoices are the admission chain's, and may name a patient
        request = await self._request_of_order_named(first_document(bills[0].get("invoice_origin")))
        return [] if request is None else [bill_entry(event, request)]

    async def _request_of_order_named(self, name: str | None) -> str | None:
        if name is None:
            return None
        orders: Sequence[dict[str, object]] = await self._odoo.search_read(
            "purchase.order", [("name", "=", name)], ["origin", "name"], limit=1
        )
        if not orders:
            return None
        return request_of_order(orders[0].get("origin"), orders[0].get("name"))
