"""``POST /api/v1/orders``: an approved supply order becomes a confirmed Odoo purchase order."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, WithJsonSchema

from healthbridge.canonical.classification import FINANCIAL, OPERATIONAL, PUBLIC
from healthbridge.canonical.orders import OrderPriority
from healthbridge.gateway.authorization import require_scopes
from healthbridge.gateway.routes.projection import ProjectedResponse, projected
from healthbridge.security.principal import Principal
from healthbridge.services.orders import OrderLineRequest, SupplyOrderRequest, SupplyOrders
from healthbridge.services.partners import parse_ref

# Decimals travel as JSON numbers or as decimal strings; the documented string forms are
# exactly those the model accepts (pydantic's own schema leaves the string unconstrained).
_POSITIVE = {
    "anyOf": [
        {"type": "number", "exclusiveMinimum": 0},
        {"type": "string", "pattern": r"^0*([1-9][0-9]*(\.[0-9]+)?|0?\.[0-9]*[1-9][0-9]*)$"},
    ]
}
_NON_NEGATIVE = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$"},
        {"type": "null"},
    ]
}


class OrderLineBody(BaseModel):
    """One line, after SupplyOrderLine: the product by GTIN or internal reference."""

    model_config = ConfigDict(extra="forbid")

    product: str = Field(min_length=1, max_length=128, description="GTIN or internal reference")
    quantity: Annotated[Decimal, Field(gt=0), WithJsonSchema(_POSITIVE)]
    unit_price: Annotated[Decimal | None, Field(ge=0), WithJsonSchema(_NON_NEGATIVE)] = None
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")


class SupplyOrderBody(BaseModel):
    """An approved supply order, after canonical SupplyOrder."""

    model_config = ConfigDict(extra="forbid")

    order_ref: str = Field(
        min_length=1,
        max_length=128,
        description="The client's order reference: a replay with it finds the first order",
    )
    supplier: str = Field(
        min_length=1, max_length=512, description="Supplier identifier system|value, or its ref"
    )
    lines: list[OrderLineBody] = Field(min_length=1, max_length=500)
    priority: OrderPriority | None = None
    expected_at: AwareDatetime | None = None


class PlacedOrderResponse(ProjectedResponse):
    """The confirmed purchase order that carries the supply order."""

    order_ref: Annotated[str, OPERATIONAL]
    purchase_order_id: Annotated[int, OPERATIONAL]
    name: Annotated[str, OPERATIONAL]
    state: Annotated[str, OPERATIONAL]
    created: Annotated[bool, PUBLIC]
    outcome: Annotated[Literal["created", "replayed"], PUBLIC]
    amount_total: Annotated[float, FINANCIAL]
    currency: Annotated[str | None, PUBLIC]


def orders_router(orders: SupplyOrders) -> APIRouter:
    """The order route (scope ``orders.write``): 201 when created, 200 for a replay."""
    router = APIRouter(prefix="/api/v1/orders", tags=["orders"])

    @router.post(
        "",
        response_model=PlacedOrderResponse,
        status_code=201,
        responses={200: {"description": "The order was placed before: the first one is returned"}},
    )
    async def place_order(
        principal: Annotated[Principal, Depends(require_scopes("orders.write"))],
        body: SupplyOrderBody,
        response: Response,
    ) -> PlacedOrderResponse:
        """Create and confirm the purchase order, or return the one this order_ref made."""
        system, value = parse_ref(body.supplier)
        placed = await orders.place(
            SupplyOrderRequest(
                order_ref=body.order_ref,
                supplier_system=system,
                supplier_value=value,
                lines=[
                    OrderLineRequest(line.product, line.quantity, line.unit_price, line.currency)
                    for line in body.lines
                ],
                priority=body.priority,
                expected_at=body.expected_at,
            )
        )
        if not placed.created:
            response.status_code = 200
        return projected(PlacedOrderResponse, asdict(placed), principal)

    return router
