"""``GET /api/v1/inventory/availability``: stock per location, with lots, expiry and age."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from healthbridge.canonical.classification import OPERATIONAL, PUBLIC
from healthbridge.gateway.authorization import require_scopes
from healthbridge.gateway.routes.projection import ProjectedResponse, projected
from healthbridge.security.principal import Principal
from healthbridge.services.inventory import Availability, InventoryAvailability


class LotAvailability(BaseModel):
    """Stock of one lot in one location."""

    lot_id: Annotated[int | None, OPERATIONAL]
    lot: Annotated[str | None, OPERATIONAL]
    expiry: Annotated[datetime | None, OPERATIONAL]
    quantity: Annotated[float, OPERATIONAL]
    reserved: Annotated[float, OPERATIONAL]


class LocationAvailability(BaseModel):
    """Stock of the product in one internal location."""

    location_id: Annotated[int, OPERATIONAL]
    location: Annotated[str, OPERATIONAL]
    quantity: Annotated[float, OPERATIONAL]
    reserved: Annotated[float, OPERATIONAL]
    available: Annotated[float, OPERATIONAL]
    lots: Annotated[list[LotAvailability], OPERATIONAL]


class AvailabilityResponse(ProjectedResponse):
    """A product's availability and how old the figures are."""

    product_id: Annotated[int, OPERATIONAL]
    name: Annotated[str, PUBLIC]
    gtin: Annotated[str | None, PUBLIC]
    default_code: Annotated[str | None, PUBLIC]
    uom: Annotated[str | None, PUBLIC]
    locations: Annotated[list[LocationAvailability], OPERATIONAL]
    as_of: Annotated[datetime, PUBLIC]
    age_seconds: Annotated[float, PUBLIC]
    staleness_bound_seconds: Annotated[float, PUBLIC]
    source: Annotated[Literal["read_model", "odoo"], PUBLIC]


def inventory_router(inventory: InventoryAvailability) -> APIRouter:
    """The availability route over ``inventory`` (scope ``inventory.read``)."""
    router = APIRouter(prefix="/api/v1/inventory", tags=["inventory"])

    @router.get("/availability", response_model=AvailabilityResponse)
    async def availability(
        principal: Annotated[Principal, Depends(require_scopes("inventory.read"))],
        product: Annotated[
            str, Query(min_length=1, max_length=128, description="GTIN or internal reference")
        ],
        location: Annotated[
            str | None,
            Query(max_length=512, description="Odoo location id or full name (includes children)"),
        ] = None,
    ) -> AvailabilityResponse:
        """Stock per internal location: from the read model, or from Odoo past its bound."""
        found = await inventory.availability(product, location)
        return projected(AvailabilityResponse, _document(found), principal)

    return router


def _document(found: Availability) -> dict[str, object]:
    return {
        "product_id": found.product_id,
        "name": found.name,
        "gtin": found.barcode,
        "default_code": found.default_code,
        "uom": found.uom,
        "locations": [
            {
                "location_id": stock.location_id,
                "location": stock.location_name,
                "quantity": stock.quantity,
                "reserved": stock.reserved,
                "available": stock.available,
                "lots": [
                    {
                        "lot_id": lot.lot_id,
                        "lot": lot.lot_name,
                        "expiry": lot.expiry,
                        "quantity": lot.quantity,
                        "reserved": lot.reserved,
                    }
                    for lot in stock.lots
                ],
            }
            for stock in found.locations
        ],
        "as_of": found.as_of,
        "age_seconds": found.age_seconds,
        "staleness_bound_seconds": found.staleness_bound_seconds,
        "source": found.source,
    }
