"""Invoices and bills (``account.move``) and their lines.

Posting a move gives it its number from the journal and the year of its date:
``INV/2026/00001`` for a customer invoice, ``RINV/...`` for a credit note, ``BILL/...`` for
a vendor bill. ``amount_residual`` and ``payment_state`` follow from the posted payments
linked to the move (``invoice_ids``), allocated in id order.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from healthbridge.sandbox.odoo.exceptions import UserError
from healthbridge.sandbox.odoo.orm import fields
from healthbridge.sandbox.odoo.orm.model import BaseModel
from healthbridge.sandbox.odoo.orm.models.company import company_currency
from healthbridge.sandbox.odoo.orm.models.journals import journal_of_type
from healthbridge.sandbox.odoo.orm.models.lines import (
    line_amounts,
    order_amounts,
    product_line_defaults,
)
from healthbridge.sandbox.odoo.orm.models.payments import payment_allocations
from healthbridge.sandbox.odoo.orm.sequences import next_number
from healthbridge.sandbox.odoo.orm.writing import write_records

MOVE_TYPES = [
    ("entry", "Journal Entry"),
    ("out_invoice", "Customer Invoice"),
    ("out_refund", "Customer Credit Note"),
    ("in_invoice", "Vendor Bill"),
    ("in_refund", "Vendor Credit Note"),
    ("out_receipt", "Sales Receipt"),
    ("in_receipt", "Purchase Receipt"),
]
DRAFT_LABELS = {
    "entry": "Entry",
    "out_invoice": "Invoice",
    "out_refund": "Credit Note",
    "in_invoice": "Vendor Bill",
    "in_refund": "Vendor Credit Note",
    "out_receipt": "Sales Receipt",
    "in_receipt": "Purchase Receipt",
}
JOURNAL_TYPE = {
    "out_invoice": "sale",
    "out_refund": "sale",
    "out_receipt": "sale",
    "in_invoice": "purchase",
    "in_refund": "purchase",
    "in_receipt": "purchase",
    "entry": "general",
}
PAYMENT_STATES = [
    ("not_paid", "Not Paid"),
    ("in_payment", "In Payment"),
    ("paid", "Paid"),
    ("partial", "Partially Paid"),
    ("reversed", "Reversed"),
    ("blocked", "Blocked"),
    ("invoicing_legacy", "Invoicing App Legacy"),
]


class AccountMove(BaseModel):
    _name = "account.move"
    _description = "Journal Entry"
    _order = "date desc, name desc, invoice_date desc, id desc"
    _rec_names_search = ("name", "ref", "payment_reference")

    name = fields.Char("Number", default="/")
    ref = fields.Char("Reference")
    move_type = fields.Selection(MOVE_TYPES, "Type", required=True, default="entry")
    state = fields.Selection(
        [("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled")],
        "Status",
        default="draft",
    )
    payment_state = fields.Selection(
        PAYMENT_STATES, "Payment Status", compute="_compute_payment_state", store=True
    )
    is_move_sent = fields.Boolean(
        "Is Move Sent",
        readonly=True,
        help="It indicates that the invoice/payment has been sent or the PDF has been generated.",
    )
    partner_id = fields.Many2one("res.partner", "Partner", ondelete="restrict")
    journal_id = fields.Many2one("account.journal", "Journal", required=True)
    date = fields.Date("Date", required=True, default=lambda env: env.now.date())
    invoice_date = fields.Date("Invoice/Bill Date")
    invoice_date_due = fields.Date("Due Date")
    invoice_origin = fields.Char("Origin")
    payment_reference = fields.Char("Payment Reference")
    narration = fields.Html("Terms and Conditions")
    currency_id = fields.Many2one(
        "res.currency", "Currency", required=True, default=company_currency
    )
    line_ids = fields.One2many("account.move.line", "move_id", "Journal Items")
    invoice_line_ids = fields.One2many("account.move.line", "move_id", "Invoice lines")
    amount_untaxed = fields.Monetary("Untaxed Amount", compute="_compute_total", store=True)
    amount_tax = fields.Monetary("Tax", compute="_compute_tax", store=True)
    amount_total = fields.Monetary("Total", compute="_compute_total", store=True)
    amount_residual = fields.Monetary("Amount Due", compute="_compute_residual", store=True)
    invoice_user_id = fields.Many2one("res.users", "Salesperson", default=lambda env: env.uid)
    company_id = fields.Many2one("res.company", "Company", default=1)

    def _compute_display_name(self) -> dict[int, Any]:
        rows = self._rows
        result: dict[int, Any] = {}
        for record_id in self.ids:
            row = rows[record_id]
            if row["name"] and row["name"] != "/":
                result[record_id] = row["name"]
            else:
                result[record_id] = (
                    f"Draft {DRAFT_LABELS.get(row['move_type'], 'Entry')} (* {record_id})"
                )
        return result

    def _compute_total(self) -> dict[int, Any]:
        return order_amounts(self, "account.move.line", "move_id")

    def _compute_tax(self) -> dict[int, Any]:
        return dict.fromkeys(self.ids, 0.0)

    def _compute_residual(self) -> dict[int, Any]:
        totals = self._compute_total()
        paid = payment_allocations(self.env)
        rows = self._rows
        result: dict[int, Any] = {}
        for record_id in self.ids:
            state = rows[record_id]["state"]
            if state == "cancel":
                result[record_id] = 0.0
            elif state == "draft":
                result[record_id] = totals[record_id]
            else:
                result[record_id] = round(
                    totals[record_id] - paid.get(record_id, (0.0, False))[0], 2
                )
        return result

    def _compute_payment_state(self) -> dict[int, Any]:
        totals = self._compute_total()
        paid = payment_allocations(self.env)
        rows = self._rows
        result: dict[int, Any] = {}
        for record_id in self.ids:
            amount, pending = paid.get(record_id, (0.0, False))
            if rows[record_id]["state"] != "posted" or rows[record_id]["move_type"] == "entry":
                result[record_id] = "not_paid"
            elif amount >= totals[record_id]:
                result[record_id] = "in_payment" if pending else "paid"
            else:
                result[record_id] = "partial" if amount > 0 else "not_paid"
        return result

    def _prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        if not vals.get("journal_id"):
            vals["journal_id"] = journal_of_type(
                self.env, JOURNAL_TYPE.get(vals.get("move_type") or "entry", "general")
            )
        return vals

    def _check_unlink(self) -> None:
        for record_id in self.ids:
            row = self._rows[record_id]
            if row["state"] == "posted" or (row["name"] and row["name"] != "/"):
                raise UserError("You cannot delete an entry which has been posted once.")

    def _number(self, record_id: int) -> str:
        row = self._rows[record_id]
        journals = self.env.store.tables["account.journal"].rows
        code = journals[row["journal_id"]]["code"]
        if row["move_type"] in ("out_refund", "in_refund"):
            code = f"R{code}"
        year = (row["date"] or self.env.now.date()).year
        return next_number(self, "name", f"{code}/{year}/")

    def action_post(self) -> bool:
        """Draft moves become posted and get their number; ``False`` as Odoo returns it."""
        self._check_access("write")
        self._ensure_exist()
        for record_id in self.ids:
            row = self._rows[record_id]
            if row["state"] == "posted":
                raise UserError(f"The entry {row['name']} (id {record_id}) is already posted.")
            is_invoice = row["move_type"] != "entry"
            if is_invoice and row["partner_id"] is None:
                partner = "Customer" if row["move_type"].startswith("out_") else "Vendor"
                kind = dict(MOVE_TYPES)[row["move_type"]]
                raise UserError(
                    f"The field '{partner}' is required, please complete it to validate the {kind}."
                )
            if not self._values("line_ids")[record_id]:
                raise UserError("You need to add a line before posting.")
            values: dict[str, Any] = {"state": "posted"}
            if is_invoice:
                invoice_date: date = row["invoice_date"] or self.env.now.date()
                values.update(invoice_date=invoice_date, date=invoice_date)
                if row["invoice_date_due"] is None:
                    values["invoice_date_due"] = invoice_date
            write_records(self.browse(record_id), values)
            if not row["name"] or row["name"] == "/":
                write_records(self.browse(record_id), {"name": self._number(record_id)})
        return False

    def button_draft(self) -> None:
        self._check_access("write")
        self._ensure_exist()
        write_records(self, {"state": "draft"})

    def button_cancel(self) -> None:
        self._check_access("write")
        self._ensure_exist()
        write_records(self, {"state": "cancel"})


class AccountMoveLine(BaseModel):
    _name = "account.move.line"
    _description = "Journal Item"
    _order = "date desc, move_name desc, id"

    move_id = fields.Many2one("account.move", "Journal Entry", required=True, ondelete="cascade")
    move_name = fields.Char("Number", compute="_compute_move_name", store=True)
    date = fields.Date("Date", compute="_compute_date", store=True)
    sequence = fields.Integer("Sequence", default=10)
    product_id = fields.Many2one("product.product", "Product")
    name = fields.Char("Label")
    quantity = fields.Float("Quantity", default=1.0)
    product_uom_id = fields.Many2one("uom.uom", "Unit")
    price_unit = fields.Float("Unit Price", digits=(16, 2))
    discount = fields.Float("Discount (%)")
    price_subtotal = fields.Monetary("Subtotal", compute="_compute_subtotal", store=True)
    price_total = fields.Monetary("Total", compute="_compute_subtotal", store=True)
    display_type = fields.Selection(
        [("product", "Product"), ("line_section", "Section"), ("line_note", "Note")],
        "Display Type",
        default="product",
    )
    partner_id = fields.Many2one("res.partner", "Partner", compute="_compute_partner", store=True)
    parent_state = fields.Selection(
        [("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled")],
        "Status",
        compute="_compute_parent_state",
        store=True,
    )
    company_id = fields.Many2one("res.company", "Company", default=1)

    def _prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        moves = self.env.store.tables["account.move"].rows
        move = moves.get(vals.get("move_id") or 0)
        price = (
            "standard_price"
            if move is not None and move["move_type"].startswith("in_")
            else "list_price"
        )
        return product_line_defaults(self, vals, "product_uom_id", price)

    def _compute_subtotal(self) -> dict[int, Any]:
        return line_amounts(self, "quantity")

    def _from_move(self, name: str) -> dict[int, Any]:
        moves = self.env.store.tables["account.move"].rows
        rows = self._rows
        return {
            i: moves[rows[i]["move_id"]][name] if rows[i]["move_id"] in moves else None
            for i in self.ids
        }

    def _compute_move_name(self) -> dict[int, Any]:
        return self._from_move("name")

    def _compute_date(self) -> dict[int, Any]:
        return self._from_move("date")

    def _compute_partner(self) -> dict[int, Any]:
        return self._from_move("partner_id")

    def _compute_parent_state(self) -> dict[int, Any]:
        return self._from_move("state")
