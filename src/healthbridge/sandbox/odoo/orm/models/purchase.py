"""Purchase orders: RFQ ``P00001`` -> confirmed order -> receipt in the buyer's warehouse."""

from __future__ import annotations

from typing import Any

from healthbridge.sandbox.odoo.exceptions import UserError
from healthbridge.sandbox.odoo.orm import fields
from healthbridge.sandbox.odoo.orm.model import BaseModel
from healthbridge.sandbox.odoo.orm.models.company import company_currency
from healthbridge.sandbox.odoo.orm.models.lines import (
    first_location,
    line_amounts,
    order_amounts,
    product_line_defaults,
    stocked_lines,
)
from healthbridge.sandbox.odoo.orm.sequences import next_number
from healthbridge.sandbox.odoo.orm.writing import create_records, write_records

PURCHASE_STATES = [
    ("draft", "RFQ"),
    ("sent", "RFQ Sent"),
    ("to approve", "To Approve"),
    ("purchase", "Purchase Order"),
    ("done", "Locked"),
    ("cancel", "Cancelled"),
]


def _default_receipt_type(env: Any) -> int | bool:
    types = env.store.tables["stock.picking.type"].rows
    return next((i for i in sorted(types) if types[i]["code"] == "incoming"), False)


class PurchaseOrder(BaseModel):
    _name = "purchase.order"
    _description = "Purchase Order"
    _order = "priority desc, id desc"
    _rec_names_search = ("name", "partner_ref")

    name = fields.Char("Order Reference", required=True, default="New")
    priority = fields.Selection([("0", "Normal"), ("1", "Urgent")], "Priority", default="0")
    origin = fields.Char("Source Document")
    partner_ref = fields.Char("Vendor Reference")
    partner_id = fields.Many2one("res.partner", "Vendor", required=True)
    date_order = fields.Datetime("Order Deadline", required=True, default=lambda env: env.now)
    date_approve = fields.Datetime("Confirmation Date", readonly=True)
    date_planned = fields.Datetime("Expected Arrival")
    currency_id = fields.Many2one(
        "res.currency", "Currency", required=True, default=company_currency
    )
    state = fields.Selection(PURCHASE_STATES, "Status", default="draft")
    order_line = fields.One2many("purchase.order.line", "order_id", "Order Lines")
    notes = fields.Html("Terms and Conditions")
    amount_untaxed = fields.Monetary("Untaxed Amount", compute="_compute_untaxed", store=True)
    amount_tax = fields.Monetary("Taxes", compute="_compute_tax", store=True)
    amount_total = fields.Monetary("Total", compute="_compute_total", store=True)
    user_id = fields.Many2one("res.users", "Buyer", default=lambda env: env.uid)
    company_id = fields.Many2one("res.company", "Company", required=True, default=1)
    picking_type_id = fields.Many2one(
        "stock.picking.type", "Deliver To", default=_default_receipt_type
    )
    picking_ids = fields.One2many("stock.picking", "purchase_id", "Receptions")
    incoming_picking_count = fields.Integer(
        "Incoming Shipment count", compute="_compute_picking_count"
    )
    invoice_status = fields.Selection(
        [("no", "Nothing to Bill"), ("to invoice", "Waiting Bills"), ("invoiced", "Fully Billed")],
        "Billing Status",
        default="no",
    )

    def _compute_display_name(self) -> dict[int, Any]:
        rows = self._rows
        return {
            i: f"{rows[i]['name']} ({rows[i]['partner_ref']})"
            if rows[i]["partner_ref"]
            else rows[i]["name"]
            for i in self.ids
        }

    def _compute_untaxed(self) -> dict[int, Any]:
        return order_amounts(self, "purchase.order.line", "order_id")

    def _compute_tax(self) -> dict[int, Any]:
        return dict.fromkeys(self.ids, 0.0)

    def _compute_total(self) -> dict[int, Any]:
        return order_amounts(self, "purchase.order.line", "order_id")

    def _compute_picking_count(self) -> dict[int, Any]:
        pickings = self._values("picking_ids")
        return {i: len(pickings[i]) for i in self.ids}

    def _prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        if vals.get("name", "New") == "New":
            vals["name"] = next_number(self, "name", "P")
        return vals

    def _check_unlink(self) -> None:
        for record_id in self.ids:
            if self._rows[record_id]["state"] not in ("draft", "cancel"):
                raise UserError("In order to delete a purchase order, you must cancel it first.")

    def _create_receipt(self, record_id: int) -> None:
        env = self.env
        order = self._rows[record_id]
        types = env.store.tables["stock.picking.type"].rows
        kind = types.get(order["picking_type_id"] or 0)
        vendors = first_location(self, "supplier")
        if kind is None or vendors is None:
            return
        moves = [
            (
                0,
                0,
                {
                    "product_id": line["product_id"],
                    "product_uom_qty": line["product_qty"],
                    "purchase_line_id": line_id,
                    "location_id": vendors,
                    "location_dest_id": kind["default_location_dest_id"],
                    "origin": order["name"],
                },
            )
            for line_id, line in stocked_lines(self, record_id, "purchase.order.line")
        ]
        if not moves:
            return
        picking = env["stock.picking"].sudo()
        created = create_records(
            picking,
            [
                {
                    "picking_type_id": kind["id"],
                    "partner_id": order["partner_id"],
                    "origin": order["name"],
                    "purchase_id": record_id,
                    "location_id": vendors,
                    "move_ids": moves,
                    "scheduled_date": order["date_planned"] or env.now,
                }
            ],
        )
        picking.browse(created).action_confirm()  # type: ignore[attr-defined]

    def button_confirm(self) -> bool:
        """RFQs (draft or sent) become purchase orders, with an incoming receipt."""
        self._check_access("write")
        self._ensure_exist()
        for record_id in self.ids:
            if self._rows[record_id]["state"] not in ("draft", "sent"):
                continue
            write_records(
                self.browse(record_id), {"state": "purchase", "date_approve": self.env.now}
            )
            self._create_receipt(record_id)
        return True

    def button_cancel(self) -> None:
        self._check_access("write")
        self._ensure_exist()
        pickings = self.env["stock.picking"].sudo()
        for record_id in self.ids:
            order_pickings = self._values("picking_ids")[record_id]
            if any(pickings._rows[p]["state"] == "done" for p in order_pickings):
                raise UserError(
                    f"Unable to cancel purchase order {self._rows[record_id]['name']} "
                    "as some receptions have already been done."
                )
            pickings.browse(order_pickings).action_cancel()  # type: ignore[attr-defined]
        write_records(self, {"state": "cancel"})

    def button_draft(self) -> dict[str, Any]:
        self._check_access("write")
        self._ensure_exist()
        write_records(self, {"state": "draft"})
        return {}

    def button_lock(self) -> None:
        self._check_access("write")
        self._ensure_exist()
        write_records(self, {"state": "done"})

    def button_unlock(self) -> None:
        self._check_access("write")
        self._ensure_exist()
        write_records(self, {"state": "purchase"})


class PurchaseOrderLine(BaseModel):
    _name = "purchase.order.line"
    _description = "Purchase Order Line"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one(
        "purchase.order", "Order Reference", required=True, ondelete="cascade"
    )
    sequence = fields.Integer("Sequence", default=10)
    name = fields.Text("Description", required=True)
    product_id = fields.Many2one("product.product", "Product")
    product_qty = fields.Float("Quantity", default=1.0)
    product_uom_id = fields.Many2one("uom.uom", "Unit")
    price_unit = fields.Float("Unit Price", digits=(16, 2))
    discount = fields.Float("Discount (%)")
    price_subtotal = fields.Monetary("Subtotal", compute="_compute_subtotal", store=True)
    price_total = fields.Monetary("Total", compute="_compute_subtotal", store=True)
    qty_received = fields.Float("Received Qty", compute="_compute_received", store=True)
    qty_invoiced = fields.Float("Billed Qty")
    date_planned = fields.Datetime("Expected Arrival")
    partner_id = fields.Many2one("res.partner", "Partner", compute="_compute_partner", store=True)
    state = fields.Selection(PURCHASE_STATES, "Status", compute="_compute_state", store=True)
    currency_id = fields.Many2one(
        "res.currency", "Currency", compute="_compute_currency", store=True
    )
    company_id = fields.Many2one("res.company", "Company", default=1)

    def _prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        return product_line_defaults(self, vals, "product_uom_id", "standard_price")

    def _compute_subtotal(self) -> dict[int, Any]:
        return line_amounts(self, "product_qty")

    def _from_order(self, name: str) -> dict[int, Any]:
        orders = self.env.store.tables["purchase.order"].rows
        rows = self._rows
        return {
            i: orders[rows[i]["order_id"]][name] if rows[i]["order_id"] in orders else None
            for i in self.ids
        }

    def _compute_partner(self) -> dict[int, Any]:
        return self._from_order("partner_id")

    def _compute_state(self) -> dict[int, Any]:
        return self._from_order("state")

    def _compute_currency(self) -> dict[int, Any]:
        return self._from_order("currency_id")

    def _compute_received(self) -> dict[int, Any]:
        received = dict.fromkeys(self.ids, 0.0)
        for move in self.env.store.tables["stock.move"].rows.values():
            if move["purchase_line_id"] in received and move["state"] == "done":
                received[move["purchase_line_id"]] += move["quantity"]
        return received
