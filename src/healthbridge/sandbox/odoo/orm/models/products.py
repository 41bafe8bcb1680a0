"""Units of measure, product categories, and ``product.product`` with stock quantities.

``qty_available`` is the sum of ``stock.quant`` quantities in internal locations (under the
context's ``location`` or ``warehouse`` when given); ``virtual_available`` adds what open
moves will bring in and takes away what they will send out, as Odoo's forecast does.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from healthbridge.sandbox.odoo.exceptions import ValidationError
from healthbridge.sandbox.odoo.orm import fields
from healthbridge.sandbox.odoo.orm.hierarchy import check_recursion, path_names
from healthbridge.sandbox.odoo.orm.model import BaseModel

PRODUCT_TYPES = [("consu", "Goods"), ("service", "Service"), ("combo", "Combo")]
TRACKING = [("serial", "By Unique Serial Number"), ("lot", "By Lots"), ("none", "By Quantity")]
OPEN_MOVE_STATES = frozenset({"waiting", "confirmed", "partially_available", "assigned"})


class UomUom(BaseModel):
    _name = "uom.uom"
    _description = "Product Unit of Measure"
    _order = "sequence, id"

    name = fields.Char("Unit Name", required=True)
    sequence = fields.Integer("Sequence", default=10)
    factor = fields.Float("Ratio", default=1.0)
    relative_factor = fields.Float("Contains", default=1.0)
    relative_uom_id = fields.Many2one("uom.uom", "Reference Unit")
    rounding = fields.Float("Rounding Precision", default=0.01)
    active = fields.Boolean("Active", default=True)


class ProductCategory(BaseModel):
    _name = "product.category"
    _description = "Product Category"
    _order = "complete_name"
    _rec_name = "complete_name"
    _recursion_message = "You cannot create recursive categories."

    name = fields.Char("Name", required=True)
    complete_name = fields.Char("Complete Name", compute="_compute_complete_name", store=True)
    parent_id = fields.Many2one("product.category", "Parent Category", ondelete="cascade")
    child_id = fields.One2many("product.category", "parent_id", "Child Categories")

    def _compute_complete_name(self) -> dict[int, Any]:
        return path_names(self, "name", " / ")

    def _check_constraints(self, names: set[str]) -> None:
        if "parent_id" in names:
            check_recursion(self, "parent_id")


def internal_locations(env_model: BaseModel) -> set[int]:
    """Internal locations counted for stock, narrowed by context ``location``/``warehouse``."""
    env = env_model.env
    locations = env.store.tables["stock.location"].rows
    internal = {i for i, row in locations.items() if row["usage"] == "internal"}
    root: Any = env.context.get("location")
    warehouse = env.context.get("warehouse")
    if not root and warehouse:
        row = env.store.tables["stock.warehouse"].rows.get(warehouse)
        root = row["view_location_id"] if row else -1
    if not root or not isinstance(root, int):
        return internal
    below = {root}
    changed = True
    while changed:
        changed = False
        for record_id, row in locations.items():
            if row["location_id"] in below and record_id not in below:
                below.add(record_id)
                changed = True
    return internal & below


class ProductProduct(BaseModel):
    _name = "product.product"
    _description = "Product Variant"
    _order = "default_code, name, id"
    _rec_names_search = ("default_code", "name", "barcode")

    name = fields.Char("Name", required=True)
    default_code = fields.Char("Internal Reference")
    barcode = fields.Char(
        "Barcode", help="International Article Number used for product identification."
    )
    type = fields.Selection(PRODUCT_TYPES, "Product Type", default="consu", required=True)
    is_storable = fields.Boolean("Track Inventory", default=False)
    tracking = fields.Selection(TRACKING, "Tracking", default="none", required=True)
    use_expiration_date = fields.Boolean("Use Expiration Date")
    categ_id = fields.Many2one("product.category", "Product Category", required=True, default=1)
    uom_id = fields.Many2one("uom.uom", "Unit", required=True, default=1)
    list_price = fields.Float("Sales Price", default=1.0, digits=(16, 2))
    standard_price = fields.Float("Cost", digits=(16, 2))
    description = fields.Text("Description")
    description_purchase = fields.Text("Purchase Description")
    sale_ok = fields.Boolean("Can be Sold", default=True)
    purchase_ok = fields.Boolean("Can be Purchased", default=True)
    weight = fields.Float("Weight")
    qty_available = fields.Float(
        "Quantity On Hand", compute="_compute_quantities", depends_context=True
    )
    incoming_qty = fields.Float("Incoming", compute="_compute_incoming", depends_context=True)
    outgoing_qty = fields.Float("Outgoing", compute="_compute_outgoing", depends_context=True)
    virtual_available = fields.Float(
        "Forecasted Quantity", compute="_compute_virtual", depends_context=True
    )
    company_id = fields.Many2one("res.company", "Company")
    active = fields.Boolean("Active", default=True)

    def _compute_display_name(self) -> dict[int, Any]:
        rows = self._rows
        result: dict[int, Any] = {}
        for record_id in self.ids:
            row = rows[record_id]
            code = row["default_code"]
            result[record_id] = f"[{code}] {row['name']}" if code else row["name"]
        return result

    def _compute_quantities(self) -> dict[int, Any]:
        wanted = set(self.ids)
        totals: dict[int, float] = dict.fromkeys(self.ids, 0.0)
        internal = internal_locations(self)
        for quant in self.env.store.tables["stock.quant"].rows.values():
            if quant["product_id"] in wanted and quant["location_id"] in internal:
                totals[quant["product_id"]] += quant["quantity"]
        return totals

    def _moves(self, *, incoming: bool) -> dict[int, Any]:
        wanted = set(self.ids)
        totals: dict[int, float] = defaultdict(float)
        internal = internal_locations(self)
        for move in self.env.store.tables["stock.move"].rows.values():
            if move["product_id"] not in wanted or move["state"] not in OPEN_MOVE_STATES:
                continue
            source_in = move["location_id"] in internal
            dest_in = move["location_dest_id"] in internal
            if (incoming and dest_in and not source_in) or (
                not incoming and source_in and not dest_in
            ):
                totals[move["product_id"]] += move["product_uom_qty"] - move["quantity"]
        return {i: totals.get(i, 0.0) for i in self.ids}

    def _compute_incoming(self) -> dict[int, Any]:
        return self._moves(incoming=True)

    def _compute_outgoing(self) -> dict[int, Any]:
        return self._moves(incoming=False)

    def _compute_virtual(self) -> dict[int, Any]:
        on_hand = self._compute_quantities()
        incoming = self._moves(incoming=True)
        outgoing = self._moves(incoming=False)
        return {i: on_hand[i] + incoming[i] - outgoing[i] for i in self.ids}

    def _check_constraints(self, names: set[str]) -> None:
        if "barcode" not in names:
            return
        rows = self._rows
        for record_id in self.ids:
            barcode = rows[record_id]["barcode"]
            if barcode is None:
                continue
            others = [r for i, r in rows.items() if i != record_id and r["barcode"] == barcode]
            if others:
                names_list = ", ".join(r["name"] for r in others)
                raise ValidationError(
                    f'Barcode(s) already assigned:\n\n- Barcode "{barcode}" already assigned '
                    f"to product(s): {names_list}"
                )
