"""Approved supply orders become confirmed purchase orders in Odoo, once per business order.

The client's order reference is written to ``purchase.order.origin`` (the source document)
and looked up before anything is created: a replay of the same business order, under a
new Idempotency-Key or after a crash between create and confirm, finds the first purchase
order (confirming it if the crash left it a draft) instead of making a second one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from healthbridge.canonical.amounts import Money, Quantity
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.orders import OrderPriority, SupplyOrder, SupplyOrderLine
from healthbridge.canonical.references import Reference
from healthbridge.core.errors import InvalidRequestError, NotFoundError
from healthbridge.mappings.odoo import OdooMappingError, supply_order_to_odoo_vals
from healthbridge.mappings.odoo.order_vals import ORIGIN_SYSTEM
from healthbridge.services.partners import find_partner
from healthbridge.services.ports import OdooPort, Record

PURCHASE = "purchase.order"
PRODUCT = "product.product"
_ALL = {"active_test": False}
_ORDER_FIELDS = ("id", "name", "state", "origin", "partner_id", "amount_total", "currency_id")


@dataclass(frozen=True, slots=True)
class OrderLineRequest:
    """One line: a product by GTIN or internal reference, how many, and the agreed price."""

    product: str
    quantity: Decimal
    unit_price: Decimal | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class SupplyOrderRequest:
    """An approved supply order as a client states it (after canonical SupplyOrder)."""

    order_ref: str
    supplier_system: str | None
    supplier_value: str
    lines: Sequence[OrderLineRequest]
    priority: OrderPriority | None = None
    expected_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    """The purchase order that carries the business order, and whether this call made it."""

    order_ref: str
    purchase_order_id: int
    name: str
    state: str
    created: bool
    amount_total: float
    currency: str | None
    outcome: Literal["created", "replayed"]


class SupplyOrders:
    """Turns approved supply orders into confirmed Odoo purchase orders."""

    def __init__(self, odoo: OdooPort) -> None:
        self._odoo = odoo

    async def place(self, request: SupplyOrderRequest) -> PlacedOrder:
        """The confirmed purchase order of ``request.order_ref``: found, or created + confirmed."""
        if not request.order_ref.strip():
            raise InvalidRequestError("order_ref must name the client's order")
        existing = await self._find(request.order_ref)
        if existing is not None:
            if existing["state"] == "draft":
                await self._confirm(int(existing["id"]))
            return await self._placed(int(existing["id"]), request.order_ref, created=False)
        order = await self._canonical(request)
        vals = await self._vals(order)
        [order_id] = await self._odoo.create(PURCHASE, [vals])
        await self._confirm(order_id)
        return await self._placed(order_id, request.order_ref, created=True)

    async def draft(self, order: SupplyOrder) -> tuple[int, bool]:
        """A draft purchase order (a purchase request) for ``order``; (id, created).

        The order's origin key (its first business identifier from outside Odoo) finds a
        replay, as :meth:`place` does.
        """
        vals = await self._vals(order)
        origin = vals.get("origin")
        if isinstance(origin, str):
            existing = await self._find(origin)
            if existing is not None:
                return int(existing["id"]), False
        [order_id] = await self._odoo.create(PURCHASE, [vals])
        return order_id, True

    async def _vals(self, order: SupplyOrder) -> dict[str, Any]:
        codes = sorted({line.unit_price.currency for line in order.lines if line.unit_price})
        currencies: dict[str, int] = {}
        if codes:
            rows = await self._odoo.search_read(
                "res.currency", [("name", "in", codes)], ["id", "name"], context=_ALL
            )
            currencies = {str(row["name"]): int(row["id"]) for row in rows}
        try:
            return supply_order_to_odoo_vals(order, currencies=currencies)
        except OdooMappingError as error:
            raise InvalidRequestError(str(error), details=error.details) from None

    async def _find(self, origin: str) -> Record | None:
        rows = await self._odoo.search_read(
            PURCHASE,
            [("origin", "=", origin), ("state", "!=", "cancel")],
            list(_ORDER_FIELDS),
            order="id asc",
            limit=1,
        )
        return rows[0] if rows else None

    async def _confirm(self, order_id: int) -> None:
        await self._odoo.call(PURCHASE, "button_confirm", [order_id])

    async def _placed(self, order_id: int, order_ref: str, *, created: bool) -> PlacedOrder:
        [row] = await self._odoo.read(PURCHASE, [order_id], list(_ORDER_FIELDS))
        currency = row.get("currency_id")
        return PlacedOrder(
            order_ref=order_ref,
            purchase_order_id=order_id,
            name=str(row.get("name") or ""),
            state=str(row.get("state") or ""),
            created=created,
            amount_total=float(row.get("amount_total") or 0.0),
            currency=str(currency[1]) if isinstance(currency, list) and len(currency) > 1 else None,
            outcome="created" if created else "replayed",
        )

    async def _canonical(self, request: SupplyOrderRequest) -> SupplyOrder:
        if not request.lines:
            raise InvalidRequestError("a supply order needs at least one line")
        supplier = await find_partner(
            self._odoo, request.supplier_system, request.supplier_value, ("id", "name")
        )
        lines = []
        for index, line in enumerate(request.lines):
            product = await self._product(line.product, index)
            price = None
            if line.unit_price is not None:
                if not line.currency:
                    raise InvalidRequestError(
                        f"lines[{index}].currency is required with a unit price"
                    )
                price = Money(amount=line.unit_price, currency=line.currency)
            lines.append(
                SupplyOrderLine(
                    product=Reference(
                        identifier=Identifier.odoo(PRODUCT, int(product["id"])),
                        display=str(product.get("name") or ""),
                    ),
                    quantity=Quantity(value=line.quantity),
                    unit_price=price,
                )
            )
        return SupplyOrder(
            identifiers=(Identifier(system=ORIGIN_SYSTEM, value=request.order_ref),),
            status="active",
            priority=request.priority,
            lines=tuple(lines),
            occurrence=request.expected_at,
            suppliers=(
                Reference(
                    identifier=Identifier.odoo("res.partner", int(supplier["id"])),
                    display=str(supplier.get("name") or ""),
                ),
            ),
        )

    async def _product(self, key: str, index: int) -> Record:
        rows = await self._odoo.search_read(
            PRODUCT,
            ["|", ("barcode", "=", key), ("default_code", "=", key)],
            ["id", "name", "barcode"],
            order="id asc",
            limit=2,
        )
        if not rows:
            raise NotFoundError(
                f"lines[{index}].product names no product (GTIN or internal reference)",
                details={"line": index},
            )
        return next((row for row in rows if row.get("barcode") == key), rows[0])
