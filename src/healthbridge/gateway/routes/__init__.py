"""The business routes (``/api/v1``) and the FHIR R4 facade (``/fhir/R4``), one router each."""

from fastapi import APIRouter

from healthbridge.gateway.routes.accounts import accounts_router
from healthbridge.gateway.routes.billing import billing_router
from healthbridge.gateway.routes.fhir import fhir_router as _fhir_router
from healthbridge.gateway.routes.inventory import inventory_router
from healthbridge.gateway.routes.invoices import invoices_router
from healthbridge.gateway.routes.orders import orders_router
from healthbridge.gateway.routes.partners import partners_router
from healthbridge.gateway.routes.services import RouteServices


def business_routers(services: RouteServices) -> list[APIRouter]:
    """Every ``/api/v1`` router, each over its one service."""
    return [
        accounts_router(services.accounts),
        inventory_router(services.inventory),
        orders_router(services.orders),
        billing_router(services.billing),
        partners_router(services.partners),
        invoices_router(services.invoices),
    ]


def fhir_router(services: RouteServices) -> APIRouter:
    """The ``/fhir/R4`` router over the FHIR facade."""
    return _fhir_router(services.fhir)


__all__ = ["RouteServices", "business_routers", "fhir_router"]
