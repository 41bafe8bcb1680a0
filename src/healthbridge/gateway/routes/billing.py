"""``POST /api/v1/billing/milestones``: move an invoice to its next billing milestone."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from healthbridge.canonical.classification import OPERATIONAL
from healthbridge.gateway.authorization import require_scopes
from healthbridge.gateway.routes.invoices import InvoiceResponse, invoice_document
from healthbridge.gateway.routes.projection import projected
from healthbridge.security.principal import Principal
from healthbridge.services.billing import Billing, MilestoneRequest


class MilestoneBody(BaseModel):
    """Which invoice, and the milestone to move it to."""

    model_config = ConfigDict(extra="forbid")

    invoice: str = Field(min_length=1, max_length=256, description="Invoice number or Odoo id")
    milestone: Literal["posted", "sent", "paid"]
    payment_date: date | None = Field(None, description="For paid: the payment date (today)")
    memo: str | None = Field(None, max_length=256, description="For paid: the payment memo")


class MilestoneResponse(InvoiceResponse):
    """The invoice after the move, and the milestone it left."""

    previous_milestone: Annotated[str, OPERATIONAL]


def billing_router(billing: Billing) -> APIRouter:
    """The billing milestone route (scope ``billing.write``); illegal moves answer 409."""
    router = APIRouter(prefix="/api/v1/billing", tags=["billing"])

    @router.post("/milestones", response_model=MilestoneResponse)
    async def advance(
        principal: Annotated[Principal, Depends(require_scopes("billing.write"))],
        body: MilestoneBody,
    ) -> MilestoneResponse:
        """draft -> posted -> (sent ->) paid; anything else is a 409 naming both milestones."""
        reached = await billing.advance(
            MilestoneRequest(body.invoice, body.milestone, body.payment_date, body.memo)
        )
        document = invoice_document(reached.invoice)
        document["previous_milestone"] = reached.previous
        return projected(MilestoneResponse, document, principal)

    return router
