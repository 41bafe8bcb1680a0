"""Odoo changes -> canonical events: which record facts make which event (pure).

The relay reads the changed record's current values (``RELAYED_FIELDS``) and passes them
here with the change. One change version gives at most one event of each type, and its
``source_key`` (``model:id:write_date``) makes the event id stable, so seeing the change
twice publishes it once. A record in a state that is no business event (a draft order,
an unposted invoice) gives no event. Facts are identifiers, quantities, amounts and
states; names, addresses and notes are not carried.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from healthbridge.canonical.amounts import Money, Quantity
from healthbridge.canonical.changes import RecordedChange
from healthbridge.canonical.events import (
    BillingMilestoneReached,
    CanonicalEvent,
    InvoicePaid,
    InvoicePosted,
    PartnerUpserted,
    PaymentReceived,
    PurchaseOrderConfirmed,
    StockLevelChanged,
    StockMoveDone,
)
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.references import Reference

OdooRecord = Mapping[str, Any]

RELAYED_FIELDS: Mapping[str, tuple[str, ...]] = {
    "res.partner": ("id", "is_company", "active", "ref"),
    "stock.quant": ("id", "product_id", "location_id", "lot_id", "quantity", "reserved_quantity"),
    "stock.move": (
        "id", "state", "reference", "product_id", "location_id", "location_dest_id",
        "quantity", "lot_id",
    ),
    "purchase.order": ("id", "state", "name", "partner_id", "amount_total", "currency_id"),
    "account.move": (
        "id", "state", "move_type", "payment_state", "name", "partner_id", "amount_total",
        "amount_residual", "currency_id",
    ),
    "account.payment": ("id", "state", "payment_type", "partner_id", "amount", "currency_id"),
}  # fmt: skip
"""The fields the relay reads from each model it turns into events."""

PARTNER_REF_SYSTEM = "urn:healthbridge:odoo:res.partner:ref"
"""Identifier system of a partner's Odoo internal reference (``ref``)."""


def source_key(change: RecordedChange) -> str:
    """``model:id:write_date``: the key of one change version, whoever saw it."""
    return f"{change.model}:{change.record_id}:{change.write_date.isoformat()}"


def events_for_change(change: RecordedChange, record: OdooRecord | None) -> list[CanonicalEvent]:
    """The events one change version gives, from the record as read now (None: gone)."""
    mapper = _MAPPERS.get(change.model)
    if mapper is None or record is None:
        return []
    return mapper(change, record)


def _ref(model: str, value: Any) -> Reference | None:
    """A many2one value ``[id, name]`` (or ``False``) as a reference by Odoo id."""
    if isinstance(value, list | tuple) and value and isinstance(value[0], int):
        return Reference(type=model, identifier=Identifier.odoo(model, value[0]))
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return Reference(type=model, identifier=Identifier.odoo(model, value))
    return None


def _required_ref(model: str, value: Any) -> Reference:
    ref = _ref(model, value)
    if ref is None:
        raise ValueError(f"a {model} reference is required")
    return ref


def _money(amount: Any, currency: Any) -> Money | None:
    code = currency[1] if isinstance(currency, list | tuple) and len(currency) > 1 else None
    if not isinstance(code, str) or len(code) != 3 or not isinstance(amount, int | float):
        return None
    return Money(amount=Decimal(str(amount)), currency=code)


def _quantity(value: Any) -> Quantity:
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else 0
    return Quantity(value=Decimal(str(number)))


def _partner(change: RecordedChange, record: OdooRecord) -> list[CanonicalEvent]:
    ref = record.get("ref")
    identifiers = (Identifier(system=PARTNER_REF_SYSTEM, value=ref),) if ref else ()
    return [
        PartnerUpserted(
            record=Identifier.odoo(change.model, change.record_id),
            occurred_at=change.write_date,
            kind="organization" if record.get("is_company") else "person",
            identifiers=identifiers,
            changed_fields=change.changed_fields,
            active=record.get("active", True) is not False,
        )
    ]


def _quant(change: RecordedChange, record: OdooRecord) -> list[CanonicalEvent]:
    return [
        StockLevelChanged(
            record=Identifier.odoo(change.model, change.record_id),
            occurred_at=change.write_date,
            product=_required_ref("product.product", record.get("product_id")),
            location=_required_ref("stock.location", record.get("location_id")),
            lot=_ref("stock.lot", record.get("lot_id")),
            quantity=_quantity(record.get("quantity")),
            reserved=_quantity(record.get("reserved_quantity")),
        )
    ]


def _move(change: RecordedChange, record: OdooRecord) -> list[CanonicalEvent]:
    if record.get("state") != "done":
        return []
    reference = record.get("reference")
    return [
        StockMoveDone(
            record=Identifier.odoo(change.model, change.record_id),
            occurred_at=change.write_date,
            reference=reference if isinstance(reference, str) else None,
            product=_required_ref("product.product", record.get("product_id")),
            source_location=_required_ref("stock.location", record.get("location_id")),
            destination_location=_required_ref("stock.location", record.get("location_dest_id")),
            quantity=_quantity(record.get("quantity")),
            lot=_ref("stock.lot", record.get("lot_id")),
        )
    ]


def _purchase(change: RecordedChange, record: OdooRecord) -> list[CanonicalEvent]:
    if record.get("state") not in ("purchase", "done"):
        return []
    name = record.get("name")
    return [
        PurchaseOrderConfirmed(
            record=Identifier.odoo(change.model, change.record_id),
            occurred_at=change.write_date,
            reference=name if isinstance(name, str) else None,
            supplier=_required_ref("res.partner", record.get("partner_id")),
            amount_total=_money(record.get("amount_total"), record.get("currency_id")),
        )
    ]


def _invoice(change: RecordedChange, record: OdooRecord) -> list[CanonicalEvent]:
    if record.get("state") != "posted" or record.get("move_type") not in (
        "out_invoice",
        "in_invoice",
    ):
        return []
    total = _money(record.get("amount_total"), record.get("currency_id"))
    if total is None:
        return []
    name = record.get("name")
    common: dict[str, Any] = {
        "record": Identifier.odoo(change.model, change.record_id),
        "occurred_at": change.write_date,
        "number": name if isinstance(name, str) else None,
        "partner": _required_ref("res.partner", record.get("partner_id")),
        "amount_total": total,
    }
    paid = record.get("payment_state") in ("paid", "in_payment")
    events: list[CanonicalEvent]
    if paid:
        events = [InvoicePaid(**common)]
    else:
        due = _money(record.get("amount_residual"), record.get("currency_id"))
        events = [InvoicePosted(**common, amount_due=due)]
    if record.get("move_type") == "out_invoice":
        # A customer invoice's milestones (the billing route moves them): posted, then paid.
        events.append(
            BillingMilestoneReached(
                record=common["record"],
                occurred_at=change.write_date,
                milestone="paid" if paid else "posted",
                amount=total,
            )
        )
    return events


def _payment(change: RecordedChange, record: OdooRecord) -> list[CanonicalEvent]:
    if record.get("state") not in ("posted", "paid") or record.get("payment_type") != "inbound":
        return []
    amount = _money(record.get("amount"), record.get("currency_id"))
    if amount is None:
        return []
    return [
        PaymentReceived(
            record=Identifier.odoo(change.model, change.record_id),
            occurred_at=change.write_date,
            partner=_required_ref("res.partner", record.get("partner_id")),
            amount=amount,
        )
    ]


_MAPPERS: Mapping[str, Callable[[RecordedChange, OdooRecord], list[CanonicalEvent]]] = {
    "res.partner": _partner,
    "stock.quant": _quant,
    "stock.move": _move,
    "purchase.order": _purchase,
    "account.move": _invoice,
    "account.payment": _payment,
}
