"""SupplyOrder -> ``purchase.order`` create vals, lines as x2many create commands.

The reverse of :func:`~healthbridge.mappings.odoo.orders.odoo_to_supply_order`, for the
hub creating a purchase order (an RFQ) in Odoo. Only what the caller states is written:
the vendor, business keys, dates, priority, currency and the lines. Odoo owns the rest:
the order number (``name``, a sequence), the state (an RFQ starts as ``draft``; confirming
is Odoo's workflow) and every amount (computed from the lines).

References are written only when they name an Odoo record (an ``urn:healthbridge:odoo:``
identifier); a vendor or product known only by a code is refused with an
:class:`OdooMappingError` naming the canonical field, because guessing a record would
order from the wrong supplier. The helpers :func:`required_id` and :func:`currency_id`
are shared with the invoice and payment writers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from healthbridge.canonical.amounts import Money, Quantity
from healthbridge.canonical.identifiers import ODOO_SYSTEM_PREFIX, Identifier
from healthbridge.canonical.orders import SupplyOrder
from healthbridge.canonical.references import Reference
from healthbridge.mappings.clinical import strip_clinical
from healthbridge.mappings.odoo.errors import OdooMappingError
from healthbridge.mappings.odoo.related import NO_RELATED, OdooRelated
from healthbridge.mappings.odoo.systems import ODOO_FIELD_SYSTEM_PREFIX, odoo_field_system
from healthbridge.mappings.odoo.wire import identifier_value, nonempty, odoo_datetime, reference_id

PURCHASE = "purchase.order"
PARTNER = "res.partner"
PRODUCT = "product.product"
VENDOR_REF_SYSTEM = odoo_field_system(PURCHASE, "partner_ref")
ORIGIN_SYSTEM = odoo_field_system(PURCHASE, "origin")
_PRIORITY = {"routine": "0", "urgent": "1", "asap": "1", "stat": "1"}


def required_id(reference: Reference | None, model: str, kind: str, field: str) -> int:
    """The Odoo id ``reference`` names in ``model``, or an error naming canonical ``field``.

    ``kind`` is the canonical class (``SupplyOrder``), so the message reads
    ``"SupplyOrder.suppliers: needs a reference to an Odoo res.partner"``; never a value.
    """
    found = reference_id(reference, model)
    if found is None:
        raise OdooMappingError(kind, field, f"needs a reference to an Odoo {model}")
    return found


def currency_id(
    currency: str,
    related: OdooRelated | None,
    currencies: Mapping[str, int] | None,
    kind: str,
    field: str,
) -> int | None:
    """The ``res.currency`` id to write for ISO ``currency``; ``None`` means Odoo's default.

    ``currencies`` (ISO code -> id, read once from ``res.currency``) resolves any code.
    Without it, the company currency is still safe: Odoo defaults a document to it, so no
    id is needed. Any other currency is refused rather than written as the wrong one.
    """
    if currencies is not None and currency in currencies:
        return currencies[currency]
    if currency == (related or NO_RELATED).company_currency:
        return None
    raise OdooMappingError(kind, field, "is a currency with no known Odoo res.currency")


def document_currency(
    amounts: Sequence[tuple[str, Money | None]], kind: str
) -> tuple[str, str] | None:
    """The one currency of a document's amounts, and the field it came from; mixed is refused."""
    found: tuple[str, str] | None = None
    for field, money in amounts:
        if money is None:
            continue
        if found is None:
            found = (money.currency, field)
        elif money.currency != found[0]:
            raise OdooMappingError(kind, field, "must be in the same currency as the document")
    return found


def quantity_vals(
    quantity: Quantity | None, qty_field: str, uom_field: str, related: OdooRelated | None
) -> dict[str, Any]:
    """The quantity, and its unit when ``related`` knows a unit of that name (else Odoo's)."""
    if quantity is None:
        return {}
    vals: dict[str, Any] = {qty_field: float(quantity.value)}
    uom = (related or NO_RELATED).uom_id(quantity.unit) if quantity.unit else None
    if uom is not None:
        vals[uom_field] = uom
    return vals


def _origin(identifiers: Sequence[Identifier]) -> str | None:
    """The source document: an explicit origin key, else the first non-Odoo business key."""
    explicit = identifier_value(identifiers, ORIGIN_SYSTEM)
    if explicit is not None:
        return explicit
    for identifier in identifiers:
        system = identifier.system or ""
        if identifier.value and not system.startswith(
            (ODOO_SYSTEM_PREFIX, ODOO_FIELD_SYSTEM_PREFIX)
        ):
            return identifier.value
    return None


def supply_order_to_odoo_vals(
    order: SupplyOrder,
    *,
    related: OdooRelated | None = None,
    currencies: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Vals that create the purchase order: vendor, keys, dates, priority, currency, lines.

    ``partner_id`` is the first supplier, which must be an Odoo ``res.partner``; each line
    needs an Odoo ``product.product``. ``partner_ref`` is the vendor's reference key,
    ``origin`` the order's source document (an ``origin`` key, else its first business
    key from outside Odoo). The expected arrival (``occurrence``) is written on the order
    and every line. ``name``, ``state`` and the amounts are left to Odoo.
    """
    kind = "SupplyOrder"
    partner = required_id(
        order.suppliers[0] if order.suppliers else None, PARTNER, kind, "suppliers"
    )
    planned = odoo_datetime(order.occurrence) if order.occurrence is not None else None
    prices = [(f"lines[{i}].unit_price", line.unit_price) for i, line in enumerate(order.lines)]
    currency = document_currency(prices, kind)
    lines = []
    for index, line in enumerate(order.lines):
        where = f"lines[{index}]"
        product = required_id(line.product, PRODUCT, kind, f"{where}.product")
        values: dict[str, Any] = {"product_id": product}
        values.update(nonempty(name=line.product.display if line.product else None))
        values.update(quantity_vals(line.quantity, "product_qty", "product_uom_id", related))
        if line.unit_price is not None:
            values["price_unit"] = float(line.unit_price.amount)
        values.update(nonempty(date_planned=planned))
        kept, _dropped = strip_clinical(values)
        lines.append((0, 0, dict(kept)))
    vals: dict[str, Any] = {"partner_id": partner}
    vals.update(
        nonempty(
            partner_ref=identifier_value(order.identifiers, VENDOR_REF_SYSTEM),
            origin=_origin(order.identifiers),
            priority=_PRIORITY.get(order.priority) if order.priority else None,
            date_order=odoo_datetime(order.authored_on) if order.authored_on else None,
            date_planned=planned,
        )
    )
    if currency is not None:
        found = currency_id(currency[0], related, currencies, kind, f"{currency[1]}.currency")
        if found is not None:
            vals["currency_id"] = found
    vals["order_line"] = lines
    return vals
