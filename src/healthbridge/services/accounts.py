"""Account status of a patient or payer: balance due, overdue amount, credit hold.

Read from posted customer invoices and credit notes (``account.move``) of the partner:
the balance is the sum of their ``amount_residual`` (credit notes count against it), the
overdue part is what is still due past ``invoice_date_due``. Odoo has no credit-hold flag
on a partner in every edition, so the hub states its own rule: an account is on credit hold
when any amount has been overdue for more than ``credit_hold_after_days`` days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.mappings.odoo import PATIENT_TAG, ROLE_TAGS
from healthbridge.services.partners import find_partner, parse_ref
from healthbridge.services.ports import OdooPort

MOVE = "account.move"
_CUSTOMER_MOVES = ("out_invoice", "out_refund")
_ALL = {"active_test": False}


@dataclass(frozen=True, slots=True)
class CurrencyBalance:
    """What the account owes in one currency."""

    currency: str
    balance_due: float
    overdue: float
    open_invoices: int
    overdue_invoices: int
    oldest_due_date: date | None


@dataclass(frozen=True, slots=True)
class AccountStatus:
    """The state of one customer account at ``as_of``."""

    partner_id: int
    kind: str
    name: str
    balances: tuple[CurrencyBalance, ...]
    credit_hold: bool
    days_overdue: int
    credit_hold_after_days: int
    as_of: datetime


class Accounts:
    """Account status read live from Odoo through the port."""

    def __init__(
        self, odoo: OdooPort, *, credit_hold_after_days: int = 30, clock: Clock | None = None
    ) -> None:
        self._odoo = odoo
        self._hold_after = credit_hold_after_days
        self._clock = clock or SystemClock()

    async def status(self, ref: str) -> AccountStatus:
        """The status of the account ``ref`` names (``system|value`` or a partner ref)."""
        system, value = parse_ref(ref)
        partner = await find_partner(self._odoo, system, value, ("id", "name", "category_id"))
        partner_id = int(partner["id"])
        moves = await self._odoo.search_read(
            MOVE,
            [
                ("partner_id", "=", partner_id),
                ("move_type", "in", list(_CUSTOMER_MOVES)),
                ("state", "=", "posted"),
            ],
            ["id", "move_type", "amount_residual", "invoice_date_due", "currency_id"],
            order="id asc",
        )
        now = self._clock.now()
        today = now.date()
        grouped: dict[str, list[tuple[float, date | None]]] = defaultdict(list)
        for move in moves:
            residual = float(move.get("amount_residual") or 0.0)
            if move.get("move_type") == "out_refund":
                residual = -residual
            currency = move.get("currency_id")
            code = str(currency[1]) if isinstance(currency, list) and len(currency) > 1 else "?"
            due = move.get("invoice_date_due")
            grouped[code].append((residual, date.fromisoformat(due) if due else None))
        balances = []
        oldest_overdue: date | None = None
        for code, items in sorted(grouped.items()):
            open_items = [(amount, due) for amount, due in items if amount > 0]
            overdue_items = [(a, d) for a, d in open_items if d is not None and d < today]
            oldest = min((d for _, d in overdue_items if d is not None), default=None)
            if oldest is not None and (oldest_overdue is None or oldest < oldest_overdue):
                oldest_overdue = oldest
            balances.append(
                CurrencyBalance(
                    currency=code,
                    balance_due=round(sum(amount for amount, _ in items), 2),
                    overdue=round(sum(amount for amount, _ in overdue_items), 2),
                    open_invoices=len(open_items),
                    overdue_invoices=len(overdue_items),
                    oldest_due_date=min((d for _, d in open_items if d), default=None),
                )
            )
        days = (today - oldest_overdue).days if oldest_overdue is not None else 0
        return AccountStatus(
            partner_id=partner_id,
            kind=await self._kind(partner.get("category_id") or []),
            name=str(partner.get("name") or ""),
            balances=tuple(balances),
            credit_hold=days > self._hold_after,
            days_overdue=days,
            credit_hold_after_days=self._hold_after,
            as_of=now,
        )

    async def _kind(self, tag_ids: list[int]) -> str:
        if not tag_ids:
            return "other"
        rows = await self._odoo.read("res.partner.category", list(tag_ids), ["name"], context=_ALL)
        names = {str(row["name"]) for row in rows}
        if PATIENT_TAG in names:
            return "patient"
        roles = sorted(ROLE_TAGS[n] for n in names if n in ROLE_TAGS)
        return roles[0] if roles else "other"
