"""Stand-in routers shaped like the business and FHIR ones (reads, writes, v1/v2, FHIR).

``full_app`` uses them until the integrator passes the real routers; the two-process
tests serve them from separate gateway processes.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from healthbridge.core.errors import (
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    UnavailableError,
)
from healthbridge.gateway.audit import report_records
from healthbridge.gateway.authorization import require_scopes
from healthbridge.security.principal import Principal


class Thing(BaseModel):
    """A stand-in business object."""

    ref: str
    quantity: int = 1


def stand_in_routers() -> list[APIRouter]:
    """Routers shaped like the business and FHIR ones: reads, writes, v1/v2, FHIR."""
    api = APIRouter()
    executions: list[str] = []

    @api.get("/api/v1/things/{ref}", dependencies=[Depends(require_scopes("inventory.read"))])
    async def read_thing(ref: str) -> Thing:
        return Thing(ref=ref)

    @api.get("/api/v2/things/{ref}", dependencies=[Depends(require_scopes("inventory.read"))])
    async def read_thing_v2(ref: str) -> Thing:
        return Thing(ref=ref, quantity=2)

    @api.post("/api/v1/things", status_code=201)
    async def create_thing(
        thing: Thing,
        request: Request,
        principal: Principal = Depends(require_scopes("orders.write")),  # noqa: B008
    ) -> Thing:
        executions.append(thing.ref)
        report_records(request, f"purchase.order:{len(executions)}")
        return thing

    @api.put("/api/v1/things/{ref}", dependencies=[Depends(require_scopes("orders.write"))])
    async def replace_thing(ref: str, thing: Thing) -> Thing:
        return Thing(ref=ref, quantity=thing.quantity)

    @api.get(
        "/api/v1/failures/{kind}",
        dependencies=[Depends(require_scopes("inventory.read"))],
        include_in_schema=False,
    )
    async def fail(kind: str) -> dict[str, str]:
        errors: dict[str, Exception] = {
            "invalid": InvalidRequestError("the quantity must be positive"),
            "missing": NotFoundError("no such thing"),
            "conflict": ConflictError("the order is already confirmed"),
            "unavailable": UnavailableError("Odoo is down", details={"retry_after": 7}),
            "crash": RuntimeError("secret patient John Doe 1970-01-01"),
        }
        raise errors[kind]

    fhir = APIRouter(prefix="/fhir/R4")

    @fhir.get("/metadata")
    async def metadata() -> dict[str, Any]:
        return {"resourceType": "CapabilityStatement", "status": "active", "kind": "instance"}

    @fhir.get("/Patient/{patient_id}", dependencies=[Depends(require_scopes("system/Patient.rs"))])
    async def read_patient(patient_id: str) -> dict[str, Any]:
        if patient_id == "missing":
            raise NotFoundError("no such Patient")
        return {"resourceType": "Patient", "id": patient_id}

    @fhir.post(
        "/SupplyRequest",
        status_code=201,
        dependencies=[Depends(require_scopes("system/SupplyRequest.c"))],
    )
    async def create_supply_request(body: dict[str, Any]) -> dict[str, Any]:
        return {"resourceType": "SupplyRequest", "id": "1", "status": body.get("status", "active")}

    return [api, fhir]
