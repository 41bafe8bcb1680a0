"""Payments: posted (in process) then validated (paid), settling the invoices they name.

``amount_residual`` and ``payment_state`` of an invoice follow from these: the posted
payments that list it in ``invoice_ids`` are allocated to their invoices in id order.
"""

from __future__ import annotations

from typing import Any

from healthbridge.sandbox.odoo.exceptions import UserError
from healthbridge.sandbox.odoo.orm import fields
from healthbridge.sandbox.odoo.orm.model import BaseModel
from healthbridge.sandbox.odoo.orm.models.company import company_currency
from healthbridge.sandbox.odoo.orm.models.journals import journal_of_type
from healthbridge.sandbox.odoo.orm.sequences import next_number
from healthbridge.sandbox.odoo.orm.writing import write_records


def payment_allocations(env: Any) -> dict[int, tuple[float, bool]]:
    """Move id -> (amount paid by posted payments, whether some are still in process)."""
    moves = env.store.tables["account.move"].rows
    payments = env.store.tables["account.payment"].rows
    allocated: dict[int, float] = {}
    pending: set[int] = set()
    totals = env["account.move"].sudo().browse(list(moves))._values("amount_total") if moves else {}
    for payment_id in sorted(payments):
        payment = payments[payment_id]
        if payment["state"] not in ("in_process", "paid"):
            continue
        remaining = payment["amount"]
        for move_id in sorted(payment["invoice_ids"]):
            if move_id not in moves or moves[move_id]["state"] != "posted" or remaining <= 0:
                continue
            due = totals[move_id] - allocated.get(move_id, 0.0)
            share = min(remaining, due)
            if share <= 0:
                continue
            allocated[move_id] = round(allocated.get(move_id, 0.0) + share, 2)
            remaining -= share
            if payment["state"] == "in_process":
                pending.add(move_id)
    return {move_id: (amount, move_id in pending) for move_id, amount in allocated.items()}


class AccountPayment(BaseModel):
    _name = "account.payment"
    _description = "Payments"
    _order = "date desc, name desc"

    name = fields.Char("Number", default="/")
    partner_id = fields.Many2one("res.partner", "Customer/Vendor", ondelete="restrict")
    amount = fields.Monetary("Amount")
    payment_type = fields.Selection(
        [("outbound", "Send"), ("inbound", "Receive")],
        "Payment Type",
        required=True,
        default="inbound",
    )
    partner_type = fields.Selection(
        [("customer", "Customer"), ("supplier", "Vendor")], "Partner Type", default="customer"
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("in_process", "In Process"),
            ("paid", "Paid"),
            ("canceled", "Canceled"),
            ("rejected", "Rejected"),
        ],
        "Status",
        default="draft",
    )
    memo = fields.Char("Memo")
    payment_reference = fields.Char("Payment Reference")
    date = fields.Date("Date", required=True, default=lambda env: env.now.date())
    journal_id = fields.Many2one(
        "account.journal", "Journal", default=lambda env: journal_of_type(env, "bank")
    )
    currency_id = fields.Many2one("res.currency", "Currency", default=company_currency)
    invoice_ids = fields.Many2many("account.move", "Invoices")
    company_id = fields.Many2one("res.company", "Company", default=1)

    def _require(self, states: tuple[str, ...], target: str) -> None:
        self._check_access("write")
        self._ensure_exist()
        for record_id in self.ids:
            if self._rows[record_id]["state"] not in states:
                raise UserError(
                    f"Only a payment in state {' or '.join(states)} can become {target}."
                )

    def action_post(self) -> None:
        """Draft payments are posted (in process until the bank confirms them)."""
        self._require(("draft",), "in_process")
        for record_id in self.ids:
            row = self._rows[record_id]
            values: dict[str, Any] = {"state": "in_process"}
            if not row["name"] or row["name"] == "/":
                journals = self.env.store.tables["account.journal"].rows
                code = (
                    journals[row["journal_id"]]["code"] if row["journal_id"] in journals else "PAY"
                )
                values["name"] = next_number(self, "name", f"P{code}/{row['date'].year}/")
            write_records(self.browse(record_id), values)

    def action_validate(self) -> None:
        self._require(("in_process",), "paid")
        write_records(self, {"state": "paid"})

    def action_cancel(self) -> None:
        self._require(("draft", "in_process"), "canceled")
        write_records(self, {"state": "canceled"})

    def action_draft(self) -> None:
        self._require(("in_process", "canceled", "rejected"), "draft")
        write_records(self, {"state": "draft"})
