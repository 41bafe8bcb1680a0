"""``stock.picking`` (+ its ``stock.move`` rows) -> SupplyDelivery (the reader).

A receipt of goods in Odoo is an incoming transfer: a ``stock.picking`` from a supplier
location into stock, usually made by confirming a purchase order, with one
``stock.move`` per product. The caller reads incoming pickings (``picking_type_code`` =
``incoming``) and passes their moves as ``related.lines``; the reader does not refuse
other transfers, which map the same way (a transfer between locations is a delivery
too).

- ``status``: draft, waiting, confirmed and ready are ``in-progress``; done is
  ``completed``; cancelled is ``abandoned``.
- ``based_on`` is the purchase order the receipt fulfils (``purchase_id``), a
  SupplyRequest; ``supplier`` the picking's partner; ``destination`` its destination
  location; ``occurrence`` when it was done (``date_done``), else when it is scheduled.
- ``type`` is the operation type (``picking_type_id``) as a coding in the Odoo record
  system, so receipts and internal transfers stay apart.
- Each move is a line: the product and the quantity done (``quantity``), or the demand
  (``product_uom_qty``) while nothing is done yet, in the move's unit.

Not carried: the lot of each move (``lot_id``): neither the canonical SupplyDeliveryLine
nor FHIR R4 ``SupplyDelivery.suppliedItem`` has a place for it; a lot's expiry travels
as a Lot (``odoo_to_lot``). Also ``origin``, ``note`` (free text), the source location,
``sale_id`` and ``company_id``. No writer: Odoo makes receipts itself when a purchase
order is confirmed, and the hub validates them through Odoo's workflow, not by vals.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healthbridge.canonical.delivery import SupplyDelivery
from healthbridge.canonical.identifiers import odoo_system
from healthbridge.mappings.odoo.lines import lines_of, quantity
from healthbridge.mappings.odoo.related import OdooRelated
from healthbridge.mappings.odoo.systems import odoo_field_system
from healthbridge.mappings.odoo.wire import RowReader, build, nonempty

PICKING = "stock.picking"
MOVE = "stock.move"
PICKING_NAME_SYSTEM = odoo_field_system(PICKING, "name")
PICKING_TYPE_SYSTEM = odoo_system("stock.picking.type")
_STATUS = {
    "draft": "in-progress",
    "waiting": "in-progress",
    "confirmed": "in-progress",
    "assigned": "in-progress",
    "done": "completed",
    "cancel": "abandoned",
}


def odoo_to_supply_delivery(
    row: Mapping[str, Any], *, related: OdooRelated | None = None
) -> SupplyDelivery:
    """The SupplyDelivery a transfer states: what was received, from whom, into where."""
    reader = RowReader(row, PICKING)
    record_id = reader.id()
    identifiers: list[dict[str, Any]] = [{"system": odoo_system(PICKING), "value": str(record_id)}]
    name = reader.text("name")
    if name is not None and name != "/":
        identifiers.append({"system": PICKING_NAME_SYSTEM, "value": name})
    lines = []
    for move in lines_of(related, MOVE, "picking_id", record_id):
        moved = quantity(move, "quantity", "product_uom")
        if moved is None or not moved.value:
            moved = quantity(move, "product_uom_qty", "product_uom")
        lines.append(
            nonempty(
                product=move.reference("product_id", "product.product", "Product"),
                quantity=moved,
            )
        )
    kind = reader.many2one("picking_type_id")
    order = reader.reference("purchase_id", "purchase.order", "SupplyRequest")
    data = nonempty(
        identifiers=tuple(identifiers),
        based_on=(order,) if order is not None else (),
        status=reader.choice("state", _STATUS),
        type=_operation_type(kind) if kind is not None else None,
        lines=tuple(lines),
        occurrence=reader.instant("date_done") or reader.instant("scheduled_date"),
        supplier=reader.reference("partner_id", "res.partner", "Organization"),
        destination=reader.reference("location_dest_id", "stock.location", "Location"),
    )
    return build(SupplyDelivery, data, PICKING)


def _operation_type(kind: tuple[int, str | None]) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": PICKING_TYPE_SYSTEM, "code": str(kind[0])}
    if kind[1]:
        coding["display"] = kind[1]
    return {"codings": (coding,)}
