"""Supply replenishment use cases on Odoo: purchase order writes that are safe to replay.

A durable workflow re-runs a step that a crash interrupted, so each write here first
looks for the record an earlier attempt made. The idempotency reference is the
workflow id, stored in the purchase order's ``origin`` (Odoo's "Source Document"):
searching on it finds the earlier order instead of creating a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from healthbridge.core.errors import ConflictError
from healthbridge.services.ports import OdooPort

PURCHASE_ORDER = "purchase.order"


class PurchaseOrderStateError(ConflictError):
    """The purchase order is in a state the step cannot move it from."""

    code = "replenishment.purchase_order_state"


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One line of a replenishment order."""

    product_id: int
    quantity: float
    unit_price: float
    description: str


@dataclass(frozen=True, slots=True)
class PurchaseOrderRef:
    """An Odoo purchase order the workflow made: its id and name (``P00015``)."""

    id: int
    name: str


async def find_purchase_orders(odoo: OdooPort, reference: str) -> list[dict[str, Any]]:
    """Every purchase order carrying ``reference`` as its source document, oldest first."""
    return await odoo.search_read(
        PURCHASE_ORDER,
        [("origin", "=", reference)],
        ["name", "state", "partner_id", "date_planned", "partner_ref", "amount_total"],
        order="id asc",
    )


async def ensure_purchase_order(
    odoo: OdooPort, *, reference: str, supplier_id: int, line: OrderLine
) -> PurchaseOrderRef:
    """The one purchase order for ``reference``: an earlier attempt's, or a new one."""
    found = await find_purchase_orders(odoo, reference)
    if found:
        return PurchaseOrderRef(int(found[0]["id"]), str(found[0]["name"]))
    vals = {
        "partner_id": supplier_id,
        "origin": reference,
        "order_line": [
            (
                0,
                0,
                {
                    "product_id": line.product_id,
                    "name": line.description,
                    "product_qty": line.quantity,
                    "price_unit": line.unit_price,
                },
            )
        ],
    }
    (created,) = await odoo.create(PURCHASE_ORDER, [vals])
    (record,) = await odoo.read(PURCHASE_ORDER, [created], ["name"])
    return PurchaseOrderRef(created, str(record["name"]))


async def _state(odoo: OdooPort, order_id: int) -> str:
    records = await odoo.read(PURCHASE_ORDER, [order_id], ["state"])
    if not records:
        raise PurchaseOrderStateError(
            "the purchase order is gone from Odoo", details={"purchase_order": order_id}
        )
    return str(records[0]["state"])


async def confirm_purchase_order(odoo: OdooPort, order_id: int) -> str:
    """The order confirmed (``purchase``); a confirmed order is left as it is."""
    state = await _state(odoo, order_id)
    if state in ("purchase", "done"):
        return state
    if state not in ("draft", "sent"):
        raise PurchaseOrderStateError(
            f"a purchase order in state {state!r} cannot be confirmed",
            details={"purchase_order": order_id, "state": state},
        )
    await odoo.call(PURCHASE_ORDER, "button_confirm", [order_id])
    return await _state(odoo, order_id)


async def cancel_purchase_order(odoo: OdooPort, order_id: int) -> str:
    """The order cancelled; one already cancelled is left as it is."""
    state = await _state(odoo, order_id)
    if state == "cancel":
        return state
    await odoo.call(PURCHASE_ORDER, "button_cancel", [order_id])
    return await _state(odoo, order_id)


async def cancel_purchase_orders_for(odoo: OdooPort, reference: str) -> list[int]:
    """Every order carrying ``reference`` cancelled (none, if the create never happened)."""
    orders = await find_purchase_orders(odoo, reference)
    for order in orders:
        if order["state"] != "cancel":
            await cancel_purchase_order(odoo, int(order["id"]))
    return [int(order["id"]) for order in orders]


async def record_expected_delivery(
    odoo: OdooPort, order_id: int, *, expected: date, supplier_reference: str
) -> None:
    """Write the supplier's delivery date and reference on the order (same values on replay)."""
    await odoo.write(
        PURCHASE_ORDER,
        [order_id],
        {"date_planned": f"{expected.isoformat()} 12:00:00", "partner_ref": supplier_reference},
    )
