"""``product.product`` <-> Product, and ``stock.lot`` <-> Lot (with its expiry).

The barcode becomes a GTIN identifier only when it is one (right length, valid check
digit); any other barcode is kept as a plain identifier in the ``barcode`` field system,
never as a GTIN, so a mistyped number cannot match the wrong product. ``type`` consu is a
supply, service a service; a combo is neither and is refused.

Not carried: ``standard_price`` (cost; canonical holds the sales price only),
``categ_id``, ``tracking``, ``is_storable``, descriptions, weight and the computed stock
quantities (those are StockLevels). The price needs the company currency from
``related`` (a product row has none); without it the price is left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healthbridge.canonical.gtin import is_valid_gtin
from healthbridge.canonical.identifiers import GTIN_SYSTEM, odoo_system
from healthbridge.canonical.product import Lot, Product
from healthbridge.mappings.odoo.lines import unit_price
from healthbridge.mappings.odoo.related import NO_RELATED, OdooRelated
from healthbridge.mappings.odoo.systems import odoo_field_system
from healthbridge.mappings.odoo.wire import (
    RowReader,
    build,
    identifier_value,
    nonempty,
    odoo_datetime,
    reference_id,
)

PRODUCT = "product.product"
LOT = "stock.lot"
CODE_SYSTEM = odoo_field_system(PRODUCT, "default_code")
BARCODE_SYSTEM = odoo_field_system(PRODUCT, "barcode")
LOT_REF_SYSTEM = odoo_field_system(LOT, "ref")
_KINDS = {"consu": "supply", "service": "service"}
_TYPES = {"supply": "consu", "service": "service"}


def odoo_to_product(row: Mapping[str, Any], *, related: OdooRelated | None = None) -> Product:
    """The Product a ``product.product`` row describes, GTIN checked, price in its currency."""
    reader = RowReader(row, PRODUCT)
    record_id = reader.id()
    identifiers: list[dict[str, Any]] = [{"system": odoo_system(PRODUCT), "value": str(record_id)}]
    code = reader.text("default_code")
    if code is not None:
        identifiers.append({"system": CODE_SYSTEM, "value": code})
    barcode = reader.text("barcode")
    if barcode is not None:
        system = GTIN_SYSTEM if is_valid_gtin(barcode) else BARCODE_SYSTEM
        identifiers.append({"system": system, "value": barcode})
    name = reader.text("name")
    uom = reader.many2one("uom_id")
    active = reader.boolean("active")
    currency = (related or NO_RELATED).company_currency
    data = nonempty(
        identifiers=tuple(identifiers),
        kind=reader.choice("type", _KINDS),
        status=None if active is None else ("active" if active else "inactive"),
        names=({"name": name, "type": "user-friendly-name"},) if name else (),
        uom=uom[1] if uom else None,
        list_price=unit_price(reader, "list_price", currency),
    )
    return build(Product, data, PRODUCT)


def product_to_odoo_vals(product: Product, *, related: OdooRelated | None = None) -> dict[str, Any]:
    """Vals for the product: name, code, barcode (GTIN first), type, price, unit, active.

    ``uom_id`` is set only when ``related`` knows a unit of that name; the price only when
    it is in the company currency (Odoo has one sales price, in that currency).
    """
    known = related or NO_RELATED
    barcode = identifier_value(product.identifiers, GTIN_SYSTEM) or identifier_value(
        product.identifiers, BARCODE_SYSTEM
    )
    vals = nonempty(
        name=product.name,
        default_code=identifier_value(product.identifiers, CODE_SYSTEM),
        barcode=barcode,
        type=_TYPES[product.kind],
    )
    if product.status in ("active", "inactive"):
        vals["active"] = product.status == "active"
    price = product.list_price
    if price is not None and price.currency == known.company_currency:
        vals["list_price"] = float(price.amount)
    uom = known.uom_id(product.uom) if product.uom else None
    if uom is not None:
        vals["uom_id"] = uom
    return vals


def odoo_to_lot(row: Mapping[str, Any], *, related: OdooRelated | None = None) -> Lot:
    """The Lot a ``stock.lot`` row describes: number, product and expiry (UTC instant)."""
    del related  # a lot row names its product itself
    reader = RowReader(row, LOT)
    record_id = reader.id()
    identifiers: list[dict[str, Any]] = [{"system": odoo_system(LOT), "value": str(record_id)}]
    ref = reader.text("ref")
    if ref is not None:
        identifiers.append({"system": LOT_REF_SYSTEM, "value": ref})
    data = nonempty(
        identifiers=tuple(identifiers),
        product=reader.reference("product_id", PRODUCT, "Product"),
        lot_number=reader.text("name"),
        expiry=reader.instant("expiration_date"),
    )
    return build(Lot, data, LOT)


def lot_to_odoo_vals(lot: Lot) -> dict[str, Any]:
    """Vals for the lot: number, internal ref, product (when an Odoo product) and expiry.

    A serial number is written as the lot name when there is no lot number (Odoo keeps
    both in ``name``). ``manufactured`` has no Odoo field and is left out.
    """
    vals = nonempty(
        name=lot.lot_number or lot.serial_number,
        ref=identifier_value(lot.identifiers, LOT_REF_SYSTEM),
        product_id=reference_id(lot.product, PRODUCT),
    )
    if lot.expiry is not None:
        vals["expiration_date"] = odoo_datetime(lot.expiry)
    return vals
