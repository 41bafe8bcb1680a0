"""``PUT /api/v1/partners/{system}/{value}``: upsert a partner by an external identifier.

The identifier system is a URI: send it URL-encoded as one path segment
(``urn%3Aexample%3Ampi``). A patient's personal data is PHI; an organisation's is not.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from healthbridge.canonical.classification import OPERATIONAL, PHI, PUBLIC
from healthbridge.gateway.authorization import require_scopes
from healthbridge.gateway.routes.projection import ProjectedResponse, projected
from healthbridge.security.principal import Principal
from healthbridge.services.partners import PartnerDetails, PartnerKind, Partners


class PartnerBody(BaseModel):
    """What the partner is and how to reach it (administrative data only)."""

    model_config = ConfigDict(extra="forbid")

    kind: PartnerKind
    name: str = Field(min_length=1, max_length=256)
    email: str | None = Field(None, max_length=256)
    phone: str | None = Field(None, max_length=64)
    street: str | None = Field(None, max_length=256)
    city: str | None = Field(None, max_length=128)
    postal_code: str | None = Field(None, max_length=32)
    active: bool = True


class PartnerResponse(ProjectedResponse):
    """The partner as Odoo now holds it; contact data is PHI (for a patient it is)."""

    partner_id: Annotated[int, OPERATIONAL]
    created: Annotated[bool, PUBLIC]
    kind: Annotated[str, OPERATIONAL]
    active: Annotated[bool, OPERATIONAL]
    name: Annotated[str | None, PHI] = None
    email: Annotated[str | None, PHI] = None
    phone: Annotated[str | None, PHI] = None
    street: Annotated[str | None, PHI] = None
    city: Annotated[str | None, PHI] = None
    postal_code: Annotated[str | None, PHI] = None


def partners_router(partners: Partners) -> APIRouter:
    """The partner upsert route (scope ``partners.write``): 201 created, 200 updated."""
    router = APIRouter(prefix="/api/v1/partners", tags=["partners"])

    @router.put(
        "/{system}/{value}",
        response_model=PartnerResponse,
        responses={201: {"description": "Created", "model": PartnerResponse}},
    )
    async def upsert_partner(
        principal: Annotated[Principal, Depends(require_scopes("partners.write"))],
        system: Annotated[str, Path(min_length=1, max_length=256)],
        value: Annotated[str, Path(min_length=1, max_length=128)],
        body: PartnerBody,
        response: Response,
    ) -> PartnerResponse:
        """Create or update the partner this identifier names; never a duplicate."""
        upserted = await partners.upsert(
            system,
            value,
            PartnerDetails(
                kind=body.kind,
                name=body.name,
                email=body.email,
                phone=body.phone,
                street=body.street,
                city=body.city,
                postal_code=body.postal_code,
                active=body.active,
            ),
        )
        if upserted.created:
            response.status_code = 201
        return projected(PartnerResponse, asdict(upserted), principal)

    return router
