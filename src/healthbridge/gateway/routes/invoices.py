"""``GET /api/v1/invoices/{ref}``: an invoice's state, milestone, amounts and payments.

Scope ``accounts.read``: invoice and payment status is part of reading customer accounts
(the issue's scope list has no billing.read); ``billing.write`` is for changing them.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel

from healthbridge.canonical.classification import FINANCIAL, OPERATIONAL, PHI, PUBLIC
from healthbridge.gateway.authorization import require_scopes
from healthbridge.gateway.routes.projection import ProjectedResponse, projected
from healthbridge.security.principal import Principal
from healthbridge.services.invoices import Invoices, InvoiceStatus


class PaymentSummary(BaseModel):
    """One payment linked to the invoice."""

    payment_id: Annotated[int, OPERATIONAL]
    name: Annotated[str, FINANCIAL]
    amount: Annotated[float, FINANCIAL]
    state: Annotated[str, OPERATIONAL]
    date: Annotated[date | None, FINANCIAL]


class InvoiceResponse(ProjectedResponse):
    """An invoice; the billed partner's name is PHI (it may name a patient)."""

    invoice_id: Annotated[int, OPERATIONAL]
    number: Annotated[str | None, FINANCIAL]
    reference: Annotated[str | None, FINANCIAL]
    move_type: Annotated[str, PUBLIC]
    state: Annotated[str, OPERATIONAL]
    payment_state: Annotated[str, OPERATIONAL]
    milestone: Annotated[Literal["draft", "posted", "sent", "paid", "cancelled"], OPERATIONAL]
    partner_id: Annotated[int | None, OPERATIONAL]
    partner_name: Annotated[str | None, PHI] = None
    invoice_date: Annotated[date | None, FINANCIAL]
    due_date: Annotated[date | None, FINANCIAL]
    currency: Annotated[str | None, PUBLIC]
    amount_total: Annotated[float, FINANCIAL]
    amount_residual: Annotated[float, FINANCIAL]
    payments: Annotated[list[PaymentSummary], FINANCIAL]


def invoice_document(status: InvoiceStatus) -> dict[str, object]:
    """The response document of an invoice status (shared with the milestone route)."""
    return asdict(status)


def invoices_router(invoices: Invoices) -> APIRouter:
    """The invoice status route (scope ``accounts.read``)."""
    router = APIRouter(prefix="/api/v1/invoices", tags=["invoices"])

    @router.get("/{ref:path}", response_model=InvoiceResponse)
    async def invoice_status(
        principal: Annotated[Principal, Depends(require_scopes("accounts.read"))],
        ref: Annotated[
            str,
            Path(min_length=1, max_length=256, description="Invoice number, Odoo id or system|id"),
        ],
    ) -> InvoiceResponse:
        """An invoice with its billing milestone and payments."""
        status = await invoices.status(ref)
        return projected(InvoiceResponse, invoice_document(status), principal)

    return router
