"""Warehouses, locations, lots, quants, and transfers (``stock.picking`` with its moves).

Locations form a tree (``location_id``); ``complete_name`` is ``WH/Stock/Ward ICU`` and a
view location shows only its own name, as in Odoo. Validating a transfer moves stock:
the quants of internal source locations go down and those of internal destinations up.
"""

from __future__ import annotations

from typing import Any

from healthbridge.sandbox.odoo.exceptions import UserError, ValidationError
from healthbridge.sandbox.odoo.orm import fields
from healthbridge.sandbox.odoo.orm.hierarchy import check_recursion
from healthbridge.sandbox.odoo.orm.model import BaseModel
from healthbridge.sandbox.odoo.orm.sequences import next_number
from healthbridge.sandbox.odoo.orm.writing import create_records, write_records

USAGES = [
    ("supplier", "Vendor"),
    ("view", "Virtual"),
    ("internal", "Internal"),
    ("customer", "Customer"),
    ("inventory", "Inventory Loss"),
    ("production", "Production"),
    ("transit", "Transit Location"),
]
PICKING_STATES = [
    ("draft", "Draft"),
    ("waiting", "Waiting Another Operation"),
    ("confirmed", "Waiting"),
    ("assigned", "Ready"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]
MOVE_STATES = [
    ("draft", "New"),
    ("waiting", "Waiting Another Move"),
    ("confirmed", "Waiting Availability"),
    ("partially_available", "Partially Available"),
    ("assigned", "Available"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]


class StockWarehouse(BaseModel):
    _name = "stock.warehouse"
    _description = "Warehouse"
    _order = "sequence, id"

    name = fields.Char("Warehouse", required=True)
    code = fields.Char("Short Name", required=True)
    sequence = fields.Integer("Sequence", default=10)
    partner_id = fields.Many2one("res.partner", "Address")
    view_location_id = fields.Many2one("stock.location", "View Location")
    lot_stock_id = fields.Many2one("stock.location", "Location Stock")
    company_id = fields.Many2one("res.company", "Company", default=1)
    active = fields.Boolean("Active", default=True)


class StockLocation(BaseModel):
    _name = "stock.location"
    _description = "Inventory Locations"
    _order = "complete_name, id"
    _rec_name = "complete_name"
    _rec_names_search = ("complete_name", "barcode")
    _parent_name = "location_id"
    _recursion_message = "You cannot create recursive locations."

    name = fields.Char("Location Name", required=True)
    complete_name = fields.Char("Full Location Name", compute="_compute_complete_name", store=True)
    usage = fields.Selection(USAGES, "Location Type", default="internal", required=True)
    location_id = fields.Many2one("stock.location", "Parent Location", ondelete="cascade")
    child_ids = fields.One2many("stock.location", "location_id", "Contains")
    warehouse_id = fields.Many2one("stock.warehouse", "Warehouse")
    barcode = fields.Char("Barcode")
    company_id = fields.Many2one("res.company", "Company")
    active = fields.Boolean("Active", default=True)

    def _compute_complete_name(self) -> dict[int, Any]:
        rows = self._rows
        result: dict[int, Any] = {}
        for record_id in self.ids:
            parts: list[str] = []
            current: int | None = record_id
            seen: set[int] = set()
            while current is not None and current in rows and current not in seen:
                seen.add(current)
                row = rows[current]
                parts.append(row["name"])
                if row["usage"] == "view":
                    break
                current = row["location_id"]
            result[record_id] = "/".join(reversed(parts))
        return result

    def _check_constraints(self, names: set[str]) -> None:
        if "location_id" in names:
            check_recursion(self, "location_id")


class StockPickingType(BaseModel):
    _name = "stock.picking.type"
    _description = "Picking Type"
    _order = "sequence, id"

    name = fields.Char("Operation Type", required=True)
    code = fields.Selection(
        [("incoming", "Receipt"), ("outgoing", "Delivery"), ("internal", "Internal Transfer")],
        "Type of Operation",
        required=True,
    )
    sequence_code = fields.Char("Sequence Prefix", required=True)
    sequence = fields.Integer("Sequence", default=10)
    warehouse_id = fields.Many2one("stock.warehouse", "Warehouse", ondelete="cascade")
    default_location_src_id = fields.Many2one("stock.location", "Default Source Location")
    default_location_dest_id = fields.Many2one("stock.location", "Default Destination Location")
    active = fields.Boolean("Active", default=True)

    def _compute_display_name(self) -> dict[int, Any]:
        rows = self._rows
        warehouses = self.env.store.tables["stock.warehouse"].rows
        result: dict[int, Any] = {}
        for record_id in self.ids:
            row = rows[record_id]
            warehouse = warehouses.get(row["warehouse_id"]) if row["warehouse_id"] else None
            result[record_id] = f"{warehouse['name']}: {row['name']}" if warehouse else row["name"]
        return result


class StockLot(BaseModel):
    _name = "stock.lot"
    _description = "Lot/Serial"
    _order = "name, id"
    _rec_names_search = ("name", "ref")

    name = fields.Char("Lot/Serial Number", required=True)
    ref = fields.Char("Internal Reference")
    product_id = fields.Many2one("product.product", "Product", required=True, ondelete="restrict")
    expiration_date = fields.Datetime("Expiration Date")
    use_date = fields.Datetime("Best before Date")
    removal_date = fields.Datetime("Removal Date")
    alert_date = fields.Datetime("Alert Date")
    product_qty = fields.Float("On Hand Quantity", compute="_compute_product_qty")
    company_id = fields.Many2one("res.company", "Company", default=1)
    note = fields.Html("Description")

    def _compute_product_qty(self) -> dict[int, Any]:
        totals = dict.fromkeys(self.ids, 0.0)
        locations = self.env.store.tables["stock.location"].rows
        for quant in self.env.store.tables["stock.quant"].rows.values():
            lot = quant["lot_id"]
            if lot in totals and locations.get(quant["location_id"], {}).get("usage") == "internal":
                totals[lot] += quant["quantity"]
        return totals

    def _check_constraints(self, names: set[str]) -> None:
        if not names & {"name", "product_id"}:
            return
        rows = self._rows
        for record_id in self.ids:
            key = (rows[record_id]["name"], rows[record_id]["product_id"])
            if any(i != record_id and (r["name"], r["product_id"]) == key for i, r in rows.items()):
                raise ValidationError(
                    "The combination of lot/serial number and product must be unique "
                    "within a company.\n"
                    f"Lot/Serial: {key[0]}"
                )


class StockQuant(BaseModel):
    _name = "stock.quant"
    _description = "Quants"

    product_id = fields.Many2one("product.product", "Product", required=True, ondelete="restrict")
    location_id = fields.Many2one("stock.location", "Location", required=True, ondelete="restrict")
    lot_id = fields.Many2one("stock.lot", "Lot/Serial Number", ondelete="restrict")
    quantity = fields.Float("Quantity")
    reserved_quantity = fields.Float("Reserved Quantity")
    available_quantity = fields.Float("Available Quantity", compute="_compute_available")
    in_date = fields.Datetime("Incoming Date")
    company_id = fields.Many2one("res.company", "Company", default=1)

    def _compute_available(self) -> dict[int, Any]:
        rows = self._rows
        return {i: rows[i]["quantity"] - rows[i]["reserved_quantity"] for i in self.ids}

    def _compute_display_name(self) -> dict[int, Any]:
        rows = self._rows
        locations = self.env["stock.location"].sudo()
        products = self.env["product.product"].sudo()
        location_names = locations.browse(
            {rows[i]["location_id"] for i in self.ids}
        )._compute_display_name()
        product_names = products.browse(
            {rows[i]["product_id"] for i in self.ids}
        )._compute_display_name()
        return {
            i: f"{location_names[rows[i]['location_id']]} - {product_names[rows[i]['product_id']]}"
            for i in self.ids
        }

    def _prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        vals.setdefault("in_date", self.env.now)
        return vals


def adjust_quant(
    env_model: BaseModel, product: int, location: int, lot: int | None, delta: float
) -> None:
    """Add ``delta`` to the quant of (product, location, lot), creating it when needed."""
    quants = env_model.env["stock.quant"].sudo()
    for quant_id, row in quants._rows.items():
        if row["product_id"] == product and row["location_id"] == location and row["lot_id"] == lot:
            write_records(quants.browse(quant_id), {"quantity": row["quantity"] + delta})
            return
    create_records(
        quants,
        [
            {
                "product_id": product,
                "location_id": location,
                "lot_id": lot or False,
                "quantity": delta,
            }
        ],
    )


class StockPicking(BaseModel):
    _name = "stock.picking"
    _description = "Transfer"
    _order = "scheduled_date asc, id desc"

    name = fields.Char("Reference", default="/")
    origin = fields.Char("Source Document")
    picking_type_id = fields.Many2one("stock.picking.type", "Operation Type", required=True)
    partner_id = fields.Many2one("res.partner", "Contact")
    location_id = fields.Many2one("stock.location", "Source Location", required=True)
    location_dest_id = fields.Many2one("stock.location", "Destination Location", required=True)
    state = fields.Selection(PICKING_STATES, "Status", default="draft")
    scheduled_date = fields.Datetime("Scheduled Date", default=lambda env: env.now)
    date_done = fields.Datetime("Date of Transfer")
    move_ids = fields.One2many("stock.move", "picking_id", "Stock Moves")
    purchase_id = fields.Many2one("purchase.order", "Purchase Order")
    sale_id = fields.Many2one("sale.order", "Sales Order")
    note = fields.Html("Notes")
    company_id = fields.Many2one("res.company", "Company", default=1)

    def _prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        types = self.env.store.tables["stock.picking.type"].rows
        kind = types.get(vals.get("picking_type_id") or 0)
        if kind is None:
            return vals
        vals.setdefault("location_id", kind["default_location_src_id"] or False)
        vals.setdefault("location_dest_id", kind["default_location_dest_id"] or False)
        if vals.get("name", "/") == "/":
            warehouses = self.env.store.tables["stock.warehouse"].rows
            warehouse = warehouses.get(kind["warehouse_id"]) if kind["warehouse_id"] else None
            prefix = f"{warehouse['code'] if warehouse else 'WH'}/{kind['sequence_code']}/"
            vals["name"] = next_number(self, "name", prefix)
        return vals

    def _moves_of(self, record_id: int) -> BaseModel:
        return self.env["stock.move"].sudo().browse(self._values("move_ids")[record_id])

    def _available(self, product: int, location: int, needed: float) -> bool:
        locations = self.env.store.tables["stock.location"].rows
        if locations[location]["usage"] != "internal":
            return True
        products = self.env["product.product"].sudo().with_context(location=location)
        on_hand: dict[int, float] = products.browse([product])._values("qty_available")
        return on_hand[product] >= needed

    def action_confirm(self) -> bool:
        """Draft transfers become waiting or ready, depending on the stock at the source."""
        self._check_access("write")
        self._ensure_exist()
        for record_id in self.ids:
            if self._rows[record_id]["state"] != "draft":
                continue
            moves = self._moves_of(record_id)
            ready = True
            for move_id in moves.ids:
                move = moves._rows[move_id]
                move_ready = self._available(
                    move["product_id"], move["location_id"], move["product_uom_qty"]
                )
                ready = ready and move_ready
                write_records(
                    moves.browse(move_id), {"state": "assigned" if move_ready else "confirmed"}
                )
            write_records(
                self.sudo().browse(record_id), {"state": "assigned" if ready else "confirmed"}
            )
        return True

    def action_assign(self) -> bool:
        self._check_access("write")
        self.action_confirm()
        for record_id in self.ids:
            if self._rows[record_id]["state"] == "confirmed":
                moves = self._moves_of(record_id)
                write_records(moves, {"state": "assigned"})
                write_records(self.sudo().browse(record_id), {"state": "assigned"})
        return True

    def button_validate(self) -> bool:
        """Mark the transfers done and move the stock."""
        self._check_access("write")
        self._ensure_exist()
        for record_id in self.ids:
            state = self._rows[record_id]["state"]
            if state in ("done", "cancel"):
                raise UserError(f"The transfer {self._rows[record_id]['name']} is already {state}.")
            moves = self._moves_of(record_id)
            for move_id in moves.ids:
                move = moves._rows[move_id]
                if move["state"] in ("done", "cancel"):
                    continue
                quantity = move["quantity"] or move["product_uom_qty"]
                locations = self.env.store.tables["stock.location"].rows
                lot = move["lot_id"]
                if locations[move["location_id"]]["usage"] == "internal":
                    adjust_quant(self, move["product_id"], move["location_id"], lot, -quantity)
                if locations[move["location_dest_id"]]["usage"] == "internal":
                    adjust_quant(self, move["product_id"], move["location_dest_id"], lot, quantity)
                write_records(
                    moves.browse(move_id),
                    {"state": "done", "quantity": quantity, "date": self.env.now},
                )
            write_records(
                self.sudo().browse(record_id), {"state": "done", "date_done": self.env.now}
            )
        return True

    def action_cancel(self) -> bool:
        self._check_access("write")
        self._ensure_exist()
        for record_id in self.ids:
            if self._rows[record_id]["state"] == "done":
                continue
            write_records(self._moves_of(record_id), {"state": "cancel"})
            write_records(self.sudo().browse(record_id), {"state": "cancel"})
        return True


class StockMove(BaseModel):
    _name = "stock.move"
    _description = "Stock Move"
    _order = "sequence, id"

    name = fields.Char("Description")
    sequence = fields.Integer("Sequence", default=10)
    reference = fields.Char("Reference", compute="_compute_reference", store=True)
    product_id = fields.Many2one("product.product", "Product", required=True)
    product_uom_qty = fields.Float("Demand", default=1.0)
    quantity = fields.Float("Quantity")
    product_uom = fields.Many2one("uom.uom", "Unit")
    location_id = fields.Many2one("stock.location", "Source Location", required=True)
    location_dest_id = fields.Many2one("stock.location", "Destination Location", required=True)
    picking_id = fields.Many2one("stock.picking", "Transfer", ondelete="cascade")
    lot_id = fields.Many2one("stock.lot", "Lot/Serial Number")
    state = fields.Selection(MOVE_STATES, "Status", default="draft")
    origin = fields.Char("Source Document")
    date = fields.Datetime("Date Scheduled", default=lambda env: env.now)
    purchase_line_id = fields.Many2one("purchase.order.line", "Purchase Order Line")
    sale_line_id = fields.Many2one("sale.order.line", "Sale Line")
    company_id = fields.Many2one("res.company", "Company", default=1)

    def _compute_reference(self) -> dict[int, Any]:
        rows = self._rows
        pickings = self.env.store.tables["stock.picking"].rows
        result: dict[int, Any] = {}
        for record_id in self.ids:
            picking = pickings.get(rows[record_id]["picking_id"] or 0)
            result[record_id] = picking["name"] if picking else rows[record_id]["name"]
        return result

    def _prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        products = self.env.store.tables["product.product"].rows
        product = products.get(vals.get("product_id") or 0)
        if product is not None:
            vals.setdefault("name", product["name"])
            vals.setdefault("product_uom", product["uom_id"])
        pickings = self.env.store.tables["stock.picking"].rows
        picking = pickings.get(vals.get("picking_id") or 0)
        if picking is not None:
            vals.setdefault("location_id", picking["location_id"])
            vals.setdefault("location_dest_id", picking["location_dest_id"])
        return vals
