"""Accounting journals: where invoices, bills and payments take their numbers from."""

from __future__ import annotations

from typing import Any

from healthbridge.sandbox.odoo.orm import fields
from healthbridge.sandbox.odoo.orm.model import BaseModel


def journal_of_type(env: Any, kind: str) -> int | bool:
    """The first journal of ``kind`` (sale, purchase, bank, general...), or False."""
    journals = env.store.tables["account.journal"].rows
    return next((i for i in sorted(journals) if journals[i]["type"] == kind), False)


class AccountJournal(BaseModel):
    _name = "account.journal"
    _description = "Journal"
    _order = "sequence, type, code"

    name = fields.Char("Journal Name", required=True)
    code = fields.Char("Short Code", required=True)
    type = fields.Selection(
        [
            ("sale", "Sales"),
            ("purchase", "Purchase"),
            ("cash", "Cash"),
            ("bank", "Bank"),
            ("credit", "Credit Card"),
            ("general", "Miscellaneous"),
        ],
        "Type",
        required=True,
    )
    sequence = fields.Integer("Sequence", default=10)
    currency_id = fields.Many2one("res.currency", "Currency")
    company_id = fields.Many2one("res.company", "Company", default=1)
    active = fields.Boolean("Active", default=True)
