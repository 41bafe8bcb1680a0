"""``purchase.order`` (+ lines) -> SupplyOrder and ``sale.order`` (+ lines) -> ServiceOrder.

These are the readers; ``order_vals.py`` writes a SupplyOrder back as draft purchase
order vals. Odoo's order workflow (confirm, receive, lock) stays Odoo's: the vals never
set a state, a number or an amount. Lines come through ``related.lines`` (search_read
of ``purchase.order.line`` or ``sale.order.line``); a purchase order needs at least one
line to be a SupplyOrder.

Not carried: ``origin``, ``notes``/``note`` (free text), taxes, discounts, received and
invoiced quantities, ``user_id``, ``picking_type_id``, ``invoice_status``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healthbridge.canonical.identifiers import odoo_system
from healthbridge.canonical.orders import ServiceOrder, SupplyOrder
from healthbridge.mappings.odoo.lines import currency_of, lines_of, quantity, unit_price
from healthbridge.mappings.odoo.related import OdooRelated
from healthbridge.mappings.odoo.systems import odoo_field_system
from healthbridge.mappings.odoo.wire import RowReader, build, money, nonempty

PURCHASE = "purchase.order"
SALE = "sale.order"
PURCHASE_NAME_SYSTEM = odoo_field_system(PURCHASE, "name")
VENDOR_REF_SYSTEM = odoo_field_system(PURCHASE, "partner_ref")
SALE_NAME_SYSTEM = odoo_field_system(SALE, "name")
CUSTOMER_REF_SYSTEM = odoo_field_system(SALE, "client_order_ref")
_PURCHASE_STATUS = {
    "draft": "draft",
    "sent": "draft",
    "to approve": "draft",
    "purchase": "active",
    "done": "completed",
    "cancel": "cancelled",
}
_SALE_STATUS = {"draft": "draft", "sent": "draft", "sale": "confirmed", "cancel": "cancelled"}
_PRIORITY = {"0": "routine", "1": "urgent"}


def _keys(reader: RowReader, model: str, keys: tuple[tuple[str, str], ...]) -> tuple[Any, ...]:
    out: list[dict[str, Any]] = [{"system": odoo_system(model), "value": str(reader.id())}]
    for field, system in keys:
        value = reader.text(field)
        if value is not None and value not in ("New", "/"):
            out.append({"system": system, "value": value})
    return tuple(out)


def odoo_to_supply_order(
    row: Mapping[str, Any], *, related: OdooRelated | None = None
) -> SupplyOrder:
    """The SupplyOrder a purchase order states: vendor, dates, priority and its lines."""
    reader = RowReader(row, PURCHASE)
    record_id = reader.id()
    currency = currency_of(reader)
    lines = []
    for line in lines_of(related, "purchase.order.line", "order_id", record_id):
        lines.append(
            nonempty(
                product=line.reference("product_id", "product.product", "Product"),
                quantity=quantity(line, "product_qty", "product_uom_id"),
                unit_price=unit_price(line, "price_unit", currency_of(line) or currency),
            )
        )
    if not lines:
        raise reader.fail("order_line", "a supply order needs at least one line")
    supplier = reader.reference("partner_id", "res.partner", "Organization")
    data = nonempty(
        identifiers=_keys(
            reader, PURCHASE, (("name", PURCHASE_NAME_SYSTEM), ("partner_ref", VENDOR_REF_SYSTEM))
        ),
        status=reader.choice("state", _PURCHASE_STATUS),
        priority=reader.choice("priority", _PRIORITY),
        lines=tuple(lines),
        occurrence=reader.instant("date_planned"),
        authored_on=reader.instant("date_order"),
        suppliers=(supplier,) if supplier else (),
    )
    return build(SupplyOrder, data, PURCHASE)


def odoo_to_service_order(
    row: Mapping[str, Any], *, related: OdooRelated | None = None
) -> ServiceOrder:
    """The ServiceOrder a sale order states: customer, date, lines and total."""
    reader = RowReader(row, SALE)
    record_id = reader.id()
    currency = currency_of(reader)
    lines = [
        nonempty(
            product=line.reference("product_id", "product.product", "Product"),
            description=line.text("name"),
            quantity=quantity(line, "product_uom_qty", "product_uom_id"),
            unit_price=unit_price(line, "price_unit", currency),
        )
        for line in lines_of(related, "sale.order.line", "order_id", record_id)
    ]
    data = nonempty(
        identifiers=_keys(
            reader, SALE, (("name", SALE_NAME_SYSTEM), ("client_order_ref", CUSTOMER_REF_SYSTEM))
        ),
        status=reader.choice("state", _SALE_STATUS),
        customer=reader.reference("partner_id", "res.partner"),
        ordered_at=reader.instant("date_order"),
        lines=tuple(lines),
        total=money(reader.number("amount_total"), currency),
    )
    return build(ServiceOrder, data, SALE)
