"""``GET /api/v1/accounts/{ref}/status``: balance due, overdue and credit hold of an account."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel

from healthbridge.canonical.classification import FINANCIAL, OPERATIONAL, PHI, PUBLIC
from healthbridge.gateway.authorization import require_scopes
from healthbridge.gateway.routes.projection import ProjectedResponse, projected
from healthbridge.security.principal import Principal
from healthbridge.services.accounts import Accounts


class Balance(BaseModel):
    """What the account owes in one currency."""

    currency: Annotated[str, PUBLIC]
    balance_due: Annotated[float, FINANCIAL]
    overdue: Annotated[float, FINANCIAL]
    open_invoices: Annotated[int, FINANCIAL]
    overdue_invoices: Annotated[int, FINANCIAL]
    oldest_due_date: Annotated[date | None, FINANCIAL]


class AccountStatusResponse(ProjectedResponse):
    """An account's status; the name is PHI (for a patient it names a person in care)."""

    partner_id: Annotated[int, OPERATIONAL]
    kind: Annotated[str, OPERATIONAL]
    name: Annotated[str | None, PHI] = None
    balances: Annotated[list[Balance], FINANCIAL]
    credit_hold: Annotated[bool, FINANCIAL]
    days_overdue: Annotated[int, FINANCIAL]
    credit_hold_after_days: Annotated[int, PUBLIC]
    as_of: Annotated[datetime, PUBLIC]


def accounts_router(accounts: Accounts) -> APIRouter:
    """The account status route (scope ``accounts.read``)."""
    router = APIRouter(prefix="/api/v1/accounts", tags=["accounts"])

    @router.get("/{ref}/status", response_model=AccountStatusResponse)
    async def account_status(
        principal: Annotated[Principal, Depends(require_scopes("accounts.read"))],
        ref: Annotated[
            str,
            Path(
                min_length=1,
                max_length=512,
                description="External identifier system|value (URL-encoded) or the partner ref",
            ),
        ],
    ) -> AccountStatusResponse:
        """Balance due, overdue amount and credit hold of a patient or payer account."""
        status = await accounts.status(ref)
        return projected(AccountStatusResponse, asdict(status), principal)

    return router
