"""``account.move`` (+ lines) -> Invoice and ``account.payment`` -> Payment (the readers).

The writers are ``invoice_vals.py`` and ``payment_vals.py``; they create drafts only.
Posting, paying and reconciling are Odoo's accounting workflow. Lines
come through ``related.lines`` (``account.move.line`` rows); section and note lines are
layout, not billed items, and are skipped. A posted invoice that is paid is ``balanced``.

Not carried: ``journal_id``, ``narration``, ``invoice_date_due``, ``invoice_origin``,
``amount_residual``, discounts and taxes per line, a payment's ``journal_id`` and
``partner_type``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healthbridge.canonical.coding import Concept
from healthbridge.canonical.identifiers import odoo_system
from healthbridge.canonical.invoice import Invoice
from healthbridge.canonical.payment import Payment
from healthbridge.mappings.odoo.lines import (
    base_component,
    currency_of,
    lines_of,
    money_of,
    quantity,
    unit_price,
)
from healthbridge.mappings.odoo.related import OdooRelated
from healthbridge.mappings.odoo.systems import odoo_field_system
from healthbridge.mappings.odoo.wire import (
    RowReader,
    build,
    nonempty,
    odoo_reference_model,
)

MOVE = "account.move"
PAYMENT = "account.payment"
MOVE_TYPE_SYSTEM = odoo_field_system(MOVE, "move_type")
MOVE_NAME_SYSTEM = odoo_field_system(MOVE, "name")
MOVE_REF_SYSTEM = odoo_field_system(MOVE, "ref")
PAYMENT_NAME_SYSTEM = odoo_field_system(PAYMENT, "name")
PAYMENT_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/payment-type"
_MOVE_TYPES = {
    t: t
    for t in (
        "entry",
        "out_invoice",
        "out_refund",
        "in_invoice",
        "in_refund",
        "out_receipt",
        "in_receipt",
    )
}
_MOVE_STATES = {"draft": "draft", "posted": "issued", "cancel": "cancelled"}
_PAYMENT_STATES = {
    "draft": "draft",
    "in_process": "active",
    "paid": "active",
    "canceled": "cancelled",
    "rejected": "cancelled",
}
_DIRECTIONS = {"inbound": "inbound", "outbound": "outbound"}
# Coded values from a closed set, validated once here rather than inside every record.
_MOVE_TYPE_CONCEPTS = {
    t: Concept.model_validate({"codings": ({"system": MOVE_TYPE_SYSTEM, "code": t},)})
    for t in _MOVE_TYPES
}
_PAYMENT_TYPE = Concept.model_validate(
    {"codings": ({"system": PAYMENT_TYPE_SYSTEM, "code": "payment"},)}
)


def _keys(reader: RowReader, model: str, keys: tuple[tuple[str, str], ...]) -> tuple[Any, ...]:
    out: list[dict[str, Any]] = [{"system": odoo_system(model), "value": str(reader.id())}]
    for field, system in keys:
        value = reader.text(field)
        if value is not None and value != "/":
            out.append({"system": system, "value": value})
    return tuple(out)


def odoo_to_invoice(row: Mapping[str, Any], *, related: OdooRelated | None = None) -> Invoice:
    """The Invoice an ``account.move`` states: partner as recipient, lines, net and gross."""
    reader = RowReader(row, MOVE)
    record_id = reader.id()
    currency = currency_of(reader)
    status = reader.choice("state", _MOVE_STATES)
    if status == "issued" and reader.text("payment_state") == "paid":
        status = "balanced"
    move_type = reader.choice("move_type", _MOVE_TYPES)
    lines = []
    for line in lines_of(related, "account.move.line", "move_id", record_id):
        if line.text("display_type") not in (None, "product"):
            continue
        # Written out rather than through ``nonempty``: this runs for every line.
        item: dict[str, Any] = {}
        if (sequence := line.integer("sequence")) is not None:
            item["sequence"] = sequence
        if (product := line.reference("product_id", "product.product", "Product")) is not None:
            item["product"] = product
        if (description := line.text("name")) is not None:
            item["description"] = description
        if (amount := quantity(line, "quantity", "product_uom_id")) is not None:
            item["quantity"] = amount
        if (price := unit_price(line, "price_unit", currency)) is not None:
            item["unit_price"] = price
        if (subtotal := base_component(line, "price_subtotal", currency)) is not None:
            item["price_components"] = (subtotal,)
        lines.append(item)
    data = nonempty(
        identifiers=_keys(reader, MOVE, (("name", MOVE_NAME_SYSTEM), ("ref", MOVE_REF_SYSTEM))),
        status=status,
        type=_MOVE_TYPE_CONCEPTS[move_type] if move_type else None,
        recipient=reader.reference("partner_id", "res.partner"),
        date=reader.day("invoice_date") or reader.day("date"),
        issuer=reader.reference("company_id", "res.company", "Organization"),
        lines=tuple(lines),
        total_net=money_of(reader, "amount_untaxed", currency),
        total_gross=money_of(reader, "amount_total", currency),
    )
    return build(Invoice, data, MOVE)


def odoo_to_payment(row: Mapping[str, Any], *, related: OdooRelated | None = None) -> Payment:
    """The Payment an ``account.payment`` states, allocated to the invoices it pays.

    For a payment received the partner is the issuer; for one sent, the company is.
    ``created`` is the payment's date (Odoo's accounting date of the payment).
    """
    del related
    reader = RowReader(row, PAYMENT)
    currency = currency_of(reader)
    direction = reader.choice("payment_type", _DIRECTIONS)
    issuer_field, issuer_model = (
        ("partner_id", "res.partner") if direction == "inbound" else ("company_id", "res.company")
    )
    day = reader.day("date")
    name = reader.text("name")
    allocations = tuple(
        {
            "type": _PAYMENT_TYPE,
            "request": odoo_reference_model(MOVE, invoice, None, "Invoice"),
        }
        for invoice in reader.ids("invoice_ids")
    )
    data = nonempty(
        identifiers=_keys(reader, PAYMENT, (("name", PAYMENT_NAME_SYSTEM),)),
        status=reader.choice("state", _PAYMENT_STATES),
        direction=direction,
        created=day,
        payment_issuer=reader.reference(issuer_field, issuer_model, "Organization"),
        outcome="complete" if reader.text("state") == "paid" else None,
        disposition=reader.text("memo"),
        payment_date=day,
        amount=money_of(reader, "amount", currency),
        payment_identifier={"system": PAYMENT_NAME_SYSTEM, "value": name}
        if name and name != "/"
        else None,
        allocations=allocations,
    )
    return build(Payment, data, PAYMENT)
