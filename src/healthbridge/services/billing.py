"""Billing milestones: draft -> posted -> sent to payer -> paid, through Odoo's own actions.

Each milestone is one Odoo action: ``action_post`` posts (and numbers) the invoice;
sending sets ``is_move_sent`` (Odoo's own flag, set by its Send action); paying registers
an inbound ``account.payment`` for what is still due, linked to the invoice, posted and
validated. Sending is optional: a posted invoice may be paid directly. Anything else
(going back, skipping posting, repeating a milestone, touching a cancelled invoice) is an
:class:`IllegalMilestone` (409) naming both milestones; the invoice is left untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.errors import ConflictError, InvalidRequestError
from healthbridge.services.invoices import MOVE, PAYMENT, SENT_FIELD, Invoices, InvoiceStatus
from healthbridge.services.ports import OdooPort, Record

TargetMilestone = Literal["posted", "sent", "paid"]
LEGAL: dict[str, frozenset[str]] = {
    "draft": frozenset({"posted"}),
    "posted": frozenset({"sent", "paid"}),
    "sent": frozenset({"paid"}),
    "paid": frozenset(),
    "cancelled": frozenset(),
}
"""From each milestone, the milestones a request may move an invoice to."""


class IllegalMilestone(ConflictError):  # noqa: N818 - reads as the business condition
    """The invoice cannot move to the requested milestone from where it is (HTTP 409)."""

    code = "billing.illegal_transition"


@dataclass(frozen=True, slots=True)
class MilestoneRequest:
    """Move ``invoice`` to ``milestone``; a payment date and memo only for ``paid``."""

    invoice: str
    milestone: TargetMilestone
    payment_date: date | None = None
    memo: str | None = None


@dataclass(frozen=True, slots=True)
class MilestoneReached:
    """The invoice after the move, and where it came from."""

    previous: str
    invoice: InvoiceStatus


class Billing:
    """Moves invoices through their billing milestones in Odoo."""

    def __init__(self, odoo: OdooPort, invoices: Invoices, *, clock: Clock | None = None) -> None:
        self._odoo = odoo
        self._invoices = invoices
        self._clock = clock or SystemClock()

    async def advance(self, request: MilestoneRequest) -> MilestoneReached:
        """Apply one milestone, or refuse with IllegalMilestone and change nothing."""
        row = await self._invoices.find(request.invoice)
        current = (await self._invoices.status_of(row)).milestone
        if request.milestone not in LEGAL[current]:
            raise IllegalMilestone(
                f"an invoice at milestone {current!r} cannot move to {request.milestone!r}",
                details={
                    "from": current,
                    "to": request.milestone,
                    "allowed": sorted(LEGAL[current]),
                },
            )
        invoice_id = int(row["id"])
        if request.milestone == "posted":
            await self._odoo.call(MOVE, "action_post", [invoice_id])
        elif request.milestone == "sent":
            if not await self._invoices.has_sent_field():
                raise InvalidRequestError(
                    "this Odoo does not record sending invoices (no account.move.is_move_sent)"
                )
            await self._odoo.write(MOVE, [invoice_id], {SENT_FIELD: True})
        else:
            await self._pay(row, request)
        return MilestoneReached(current, await self._invoices.status(str(invoice_id)))

    async def _pay(self, row: Record, request: MilestoneRequest) -> None:
        partner = row.get("partner_id")
        currency = row.get("currency_id")
        vals: dict[str, object] = {
            "payment_type": "inbound",
            "partner_type": "customer",
            "amount": float(row.get("amount_residual") or 0.0),
            "date": (request.payment_date or self._clock.now().date()).isoformat(),
            "invoice_ids": [(6, 0, [int(row["id"])])],
        }
        if isinstance(partner, list):
            vals["partner_id"] = partner[0]
        if isinstance(currency, list):
            vals["currency_id"] = currency[0]
        if request.memo:
            vals["memo"] = request.memo
        [payment_id] = await self._odoo.create(PAYMENT, [vals])
        await self._odoo.call(PAYMENT, "action_post", [payment_id])
        await self._odoo.call(PAYMENT, "action_validate", [payment_id])
