"""Sales orders: quotation ``S00001`` -> confirmed order -> delivery from the warehouse."""

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

SALE_STATES = [
    ("draft", "Quotation"),
    ("sent", "Quotation Sent"),
    ("sale", "Sales Order"),
    ("cancel", "Cancelled"),
]


def _default_warehouse(env: Any) -> int | bool:
    warehouses = env.store.tables["stock.warehouse"].rows
    return min(warehouses) if warehouses else False


class SaleOrder(BaseModel):
    _name = "sale.order"
    _description = "Sales Order"
    _order = "date_order desc, id desc"
    _rec_names_search = ("name", "client_order_ref")

    name = fields.Char("Order Reference", required=True, default="New")
    origin = fields.Char("Source Document")
    client_order_ref = fields.Char("Customer Reference")
    partner_id = fields.Many2one("res.partner", "Customer", required=True)
    date_order = fields.Datetime("Order Date", required=True, default=lambda env: env.now)
    validity_date = fields.Date("Expiration")
    commitment_date = fields.Datetime("Delivery Date")
    state = fields.Selection(SALE_STATES, "Status", default="draft")
    order_line = fields.One2many("sale.order.line", "order_id", "Order Lines")
    amount_untaxed = fields.Monetary("Untaxed Amount", compute="_compute_amounts", store=True)
    amount_tax = fields.Monetary("Taxes", compute="_compute_tax", store=True)
    amount_total = fields.Monetary("Total", compute="_compute_amounts", store=True)
    currency_id = fields.Many2one("res.currency", "Currency", default=company_currency)
    user_id = fields.Many2one("res.users", "Salesperson", default=lambda env: env.uid)
    company_id = fields.Many2one("res.company", "Company", required=True, default=1)
    warehouse_id = fields.Many2one("stock.warehouse", "Warehouse", default=_default_warehouse)
    picking_ids = fields.One2many("stock.picking", "sale_id", "Transfers")
    note = fields.Html("Terms and conditions")

    def _compute_amounts(self) -> dict[int, Any]:
        return order_amounts(self, "sale.order.line", "order_id")

    def _compute_tax(self) -> dict[int, Any]:
        return dict.fromkeys(self.ids, 0.0)

    def _prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        if vals.get("name", "New") == "New":
            vals["name"] = next_number(self, "name", "S")
        return vals

    def _check_unlink(self) -> None:
        for record_id in self.ids:
            if self._rows[record_id]["state"] not in ("draft", "cancel"):
                raise UserError(
                    "You can not delete a sent quotation or a confirmed sales order. "
                    "You must first cancel it."
                )

    def _create_delivery(self, record_id: int) -> None:
        env = self.env
        order = self._rows[record_id]
        types = env.store.tables["stock.picking.type"].rows
        kind = next(
            (
                types[i]
                for i in sorted(types)
                if types[i]["code"] == "outgoing"
                and types[i]["warehouse_id"] == order["warehouse_id"]
            ),
            None,
        )
        customers = first_location(self, "customer")
        if kind is None or customers is None:
            return
        moves = [
            (
                0,
                0,
                {
                    "product_id": line["product_id"],
                    "product_uom_qty": line["product_uom_qty"],
                    "sale_line_id": line_id,
                    "location_id": kind["default_location_src_id"],
                    "location_dest_id": customers,
                    "origin": order["name"],
                },
            )
            for line_id, line in stocked_lines(self, record_id, "sale.order.line")
        ]
        if not moves:
            return
        pickings = env["stock.picking"].sudo()
        created = create_records(
            pickings,
            [
                {
                    "picking_type_id": kind["id"],
                    "partner_id": order["partner_id"],
                    "origin": order["name"],
                    "sale_id": record_id,
                    "location_dest_id": customers,
                    "move_ids": moves,
                }
            ],
        )
        pickings.browse(created).action_confirm()  # type: ignore[attr-defined]

    def action_confirm(self) -> bool:
        """Quotations become sales orders, with a delivery from the warehouse."""
        self._check_access("write")
        self._ensure_exist()
        if any(self._rows[i]["state"] not in ("draft", "sent") for i in self.ids):
            raise UserError("Some orders are not in a state requiring confirmation.")
        for record_id in self.ids:
            write_records(self.browse(record_id), {"state": "sale", "date_order": self.env.now})
            self._create_delivery(record_id)
        return True

    def action_cancel(self) -> bool:
        self._check_access("write")
        self._ensure_exist()
        pickings = self.env["stock.picking"].sudo()
        for record_id in self.ids:
            pickings.browse(self._values("picking_ids")[record_id]).action_cancel()  # type: ignore[attr-defined]
        write_records(self, {"state": "cancel"})
        return True

    def action_draft(self) -> bool:
        self._check_access("write")
        self._ensure_exist()
        write_records(self, {"state": "draft"})
        return True


class SaleOrderLine(BaseModel):
    _name = "sale.order.line"
    _description = "Sales Order Line"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one("sale.order", "Order Reference", required=True, ondelete="cascade")
    sequence = fields.Integer("Sequence", default=10)
    name = fields.Text("Description", required=True)
    product_id = fields.Many2one("product.product", "Product")
    product_uom_qty = fields.Float("Quantity", default=1.0)
    product_uom_id = fields.Many2one("uom.uom", "Unit")
    price_unit = fields.Float("Unit Price", digits=(16, 2))
    discount = fields.Float("Discount (%)")
    price_subtotal = fields.Monetary("Subtotal", compute="_compute_subtotal", store=True)
    price_total = fields.Monetary("Total", compute="_compute_subtotal", store=True)
    qty_delivered = fields.Float("Delivery Quantity")
    qty_invoiced = fields.Float("Invoiced Quantity")
    company_id = fields.Many2one("res.company", "Company", default=1)

    def _prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        return product_line_defaults(self, vals, "product_uom_id", "list_price")

    def _compute_subtotal(self) -> dict[int, Any]:
        return line_amounts(self, "product_uom_qty")
