"""Invoice and payment status, and the billing milestone an invoice has reached.

Milestones are the hub's reading of Odoo's own fields: ``draft`` and ``cancelled`` are the
move's state; a posted invoice is ``paid`` once Odoo says so (``payment_state`` paid or
in payment), ``sent`` once it was sent to the payer (``is_move_sent``, where the Odoo
edition has that field), else ``posted``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from healthbridge.core.errors import ConflictError, InvalidRequestError, NotFoundError
from healthbridge.services.partners import find_partner, parse_ref
from healthbridge.services.ports import Domain, OdooPort, Record

MOVE = "account.move"
PAYMENT = "account.payment"
Milestone = Literal["draft", "posted", "sent", "paid", "cancelled"]
MOVE_FIELDS = (
    "id",
    "name",
    "ref",
    "move_type",
    "state",
    "payment_state",
    "partner_id",
    "invoice_date",
    "invoice_date_due",
    "currency_id",
    "amount_total",
    "amount_residual",
)
SENT_FIELD = "is_move_sent"


@dataclass(frozen=True, slots=True)
class PaymentStatus:
    """One payment that settles (part of) the invoice."""

    payment_id: int
    name: str
    amount: float
    state: str
    date: date | None


@dataclass(frozen=True, slots=True)
class InvoiceStatus:
    """An invoice's state, amounts and payments, with the partner it bills."""

    invoice_id: int
    number: str | None
    reference: str | None
    move_type: str
    state: str
    payment_state: str
    milestone: Milestone
    partner_id: int | None
    partner_name: str | None
    invoice_date: date | None
    due_date: date | None
    currency: str | None
    amount_total: float
    amount_residual: float
    payments: tuple[PaymentStatus, ...]


class Invoices:
    """Finds invoices by reference and reads their status from Odoo."""

    def __init__(self, odoo: OdooPort) -> None:
        self._odoo = odoo
        self._has_sent_field: bool | None = None

    async def has_sent_field(self) -> bool:
        """Whether this Odoo records sending an invoice (``account.move.is_move_sent``)."""
        if self._has_sent_field is None:
            fields = await self._odoo.call(
                MOVE, "fields_get", params={"attributes": ["type"]}, idempotent=True
            )
            self._has_sent_field = isinstance(fields, dict) and SENT_FIELD in fields
        return self._has_sent_field

    async def find(self, ref: str) -> Record:
        """The invoice ``ref`` names: its number (``INV/2026/00001``), Odoo id, or ``system|id``."""
        system, value = parse_ref(ref)
        domain: Domain
        if system is None and value.isdigit():
            domain = [("id", "=", int(value))]
        elif system is None:
            domain = ["|", ("name", "=", value), ("ref", "=", value)]
        elif system == "urn:healthbridge:odoo:account.move" and value.isdigit():
            domain = [("id", "=", int(value))]
        else:
            raise InvalidRequestError(
                "an invoice is named by its number, its Odoo id, or "
                "urn:healthbridge:odoo:account.move|id"
            )
        fields = list(MOVE_FIELDS)
        if await self.has_sent_field():
            fields.append(SENT_FIELD)
        rows = await self._odoo.search_read(
            MOVE,
            [*domain, ("move_type", "in", ["out_invoice", "out_refund"])],
            fields,
            limit=2,
        )
        if not rows:
            raise NotFoundError("no customer invoice has this reference", details={"model": MOVE})
        if len(rows) > 1:
            raise ConflictError("more than one invoice has this reference")
        return rows[0]

    async def status(self, ref: str) -> InvoiceStatus:
        """Invoice ``ref`` with its milestone and payments."""
        return await self.status_of(await self.find(ref))

    async def status_of(self, row: Record) -> InvoiceStatus:
        """The status of an ``account.move`` row read with :data:`MOVE_FIELDS`."""
        invoice_id = int(row["id"])
        payments = await self._odoo.search_read(
            PAYMENT,
            [("invoice_ids", "in", [invoice_id])],
            ["id", "name", "amount", "state", "date"],
            order="id asc",
        )
        partner = row.get("partner_id")
        currency = row.get("currency_id")
        return InvoiceStatus(
            invoice_id=invoice_id,
            number=_text(row.get("name"), blank="/"),
            reference=_text(row.get("ref")),
            move_type=str(row.get("move_type")),
            state=str(row.get("state")),
            payment_state=str(row.get("payment_state") or "not_paid"),
            milestone=milestone_of(row),
            partner_id=int(partner[0]) if isinstance(partner, list) else None,
            partner_name=str(partner[1])
            if isinstance(partner, list) and len(partner) > 1
            else None,
            invoice_date=_day(row.get("invoice_date")),
            due_date=_day(row.get("invoice_date_due")),
            currency=str(currency[1]) if isinstance(currency, list) and len(currency) > 1 else None,
            amount_total=float(row.get("amount_total") or 0.0),
            amount_residual=float(row.get("amount_residual") or 0.0),
            payments=tuple(
                PaymentStatus(
                    payment_id=int(p["id"]),
                    name=str(p.get("name") or ""),
                    amount=float(p.get("amount") or 0.0),
                    state=str(p.get("state") or ""),
                    date=_day(p.get("date")),
                )
                for p in payments
            ),
        )

    async def partner_of(self, ref: str) -> int:
        """The partner id an account reference names (used by callers that bill a partner)."""
        system, value = parse_ref(ref)
        return int((await find_partner(self._odoo, system, value))["id"])


def milestone_of(row: Record) -> Milestone:
    """The billing milestone an ``account.move`` row has reached."""
    state = row.get("state")
    if state == "cancel":
        return "cancelled"
    if state != "posted":
        return "draft"
    if row.get("payment_state") in ("paid", "in_payment"):
        return "paid"
    if row.get(SENT_FIELD):
        return "sent"
    return "posted"


def _text(value: object, blank: str | None = None) -> str | None:
    if not isinstance(value, str) or not value or value == blank:
        return None
    return value


def _day(value: object) -> date | None:
    return date.fromisoformat(value[:10]) if isinstance(value, str) and value else None
