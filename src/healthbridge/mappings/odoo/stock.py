"""``stock.quant`` -> StockLevel and ``stock.location`` -> Location (read only).

Quants and locations are Odoo's own bookkeeping: the hub reads them to answer "how much
of what is where", and changes stock through moves, never by writing quants, so there is
no reverse mapping. A quant has no unit of its own (it counts in the product's unit), so
``quantity.unit`` is left empty; ``as_of`` is the quant's last write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healthbridge.canonical.coding import Concept
from healthbridge.canonical.identifiers import odoo_system
from healthbridge.canonical.location import Location
from healthbridge.canonical.references import Reference
from healthbridge.canonical.stock import StockLevel
from healthbridge.mappings.odoo.related import OdooRelated
from healthbridge.mappings.odoo.systems import odoo_field_system
from healthbridge.mappings.odoo.wire import RowReader, build, nonempty

QUANT = "stock.quant"
LOCATION = "stock.location"
LOCATION_USAGE_SYSTEM = odoo_field_system(LOCATION, "usage")
LOCATION_BARCODE_SYSTEM = odoo_field_system(LOCATION, "barcode")
_USAGES = {
    u: u for u in ("supplier", "view", "internal", "customer", "inventory", "production", "transit")
}
# A closed set of coded values, validated once here rather than inside every record.
_USAGE_CONCEPTS = {
    u: Concept.model_validate({"codings": ({"system": LOCATION_USAGE_SYSTEM, "code": u},)})
    for u in _USAGES
}


def odoo_to_stock_level(
    row: Mapping[str, Any], *, related: OdooRelated | None = None
) -> StockLevel:
    """The StockLevel a quant row states: product, location, lot, on hand and reserved."""
    del related
    reader = RowReader(row, QUANT)
    record_id = reader.id()
    quantity = reader.number("quantity")
    reserved = reader.number("reserved_quantity")
    data = nonempty(
        identifiers=({"system": odoo_system(QUANT), "value": str(record_id)},),
        product=reader.reference("product_id", "product.product", "Product"),
        location=reader.reference("location_id", LOCATION, "Location"),
        lot=reader.reference("lot_id", "stock.lot", "Lot"),
        quantity={"value": quantity} if quantity is not None else None,
        reserved={"value": reserved} if reserved is not None else None,
        as_of=reader.instant("write_date"),
    )
    return build(StockLevel, data, QUANT)


def odoo_to_location(row: Mapping[str, Any], *, related: OdooRelated | None = None) -> Location:
    """The Location a ``stock.location`` row describes, inside its parent location.

    ``name`` is the full path (``WH/Stock``) people know it by; the short name is an alias.
    The usage (internal, supplier, view...) is kept as a type in the Odoo usage system.
    """
    del related
    reader = RowReader(row, LOCATION)
    record_id = reader.id()
    identifiers: list[dict[str, Any]] = [{"system": odoo_system(LOCATION), "value": str(record_id)}]
    barcode = reader.text("barcode")
    if barcode is not None:
        identifiers.append({"system": LOCATION_BARCODE_SYSTEM, "value": barcode})
    short = reader.text("name")
    full = reader.text("complete_name") or short
    usage = reader.choice("usage", _USAGES)
    active = reader.boolean("active")
    data = nonempty(
        identifiers=tuple(identifiers),
        status=None if active is None else ("active" if active else "inactive"),
        name=full,
        aliases=(short,) if short and short != full else (),
        mode="instance",
        types=(_USAGE_CONCEPTS[usage],) if usage else (),
        part_of=_reference(reader, "location_id"),
    )
    return build(Location, data, LOCATION)


def _reference(reader: RowReader, field: str) -> Reference | None:
    return reader.reference(field, LOCATION, "Location")
