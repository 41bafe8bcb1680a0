"""What order and invoice lines have in common: defaults from the product, amounts.

Taxes are not modelled: a line's total is its subtotal, quantity times unit price less the
discount, and a document's ``amount_total`` is the sum of its lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from healthbridge.sandbox.odoo.orm.values import inverse_index

if TYPE_CHECKING:
    from healthbridge.sandbox.odoo.orm.model import BaseModel


def line_amounts(lines: BaseModel, quantity: str) -> dict[int, Any]:
    """Subtotal of each line: quantity x unit price, less the discount percentage."""
    rows = lines._rows
    result: dict[int, Any] = {}
    for line_id in lines.ids:
        row = rows[line_id]
        discount = row.get("discount") or 0.0
        result[line_id] = round(row[quantity] * row["price_unit"] * (1 - discount / 100.0), 2)
    return result


def order_amounts(orders: BaseModel, line_model: str, inverse: str) -> dict[int, Any]:
    """Sum of the line subtotals of each document."""
    env = orders.env
    index = inverse_index(env, line_model, inverse)
    all_lines = [line for order in orders.ids for line in index.get(order, ())]
    subtotals = env[line_model].sudo().browse(all_lines)._values("price_subtotal")
    return {
        order: round(sum(subtotals[line] for line in index.get(order, ())), 2)
        for order in orders.ids
    }


def product_line_defaults(
    lines: BaseModel, vals: dict[str, Any], uom_field: str, price_field: str
) -> dict[str, Any]:
    """Fill description, unit and price from the product when the client left them out."""
    products = lines.env.store.tables["product.product"].rows
    product = products.get(vals.get("product_id") or 0)
    if product is None:
        return vals
    if not vals.get("name"):
        code = product["default_code"]
        vals["name"] = f"[{code}] {product['name']}" if code else product["name"]
    vals.setdefault(uom_field, product["uom_id"])
    vals.setdefault("price_unit", product[price_field])
    return vals


def first_location(orders: BaseModel, usage: str) -> int | None:
    """The first location of ``usage`` (``supplier``, ``customer``): where goods come from or go."""
    locations = orders.env.store.tables["stock.location"].rows
    return next((i for i in sorted(locations) if locations[i]["usage"] == usage), None)


def stocked_lines(
    orders: BaseModel, record_id: int, line_model: str
) -> list[tuple[int, dict[str, Any]]]:
    """``(line id, line row)`` of an order's lines whose product moves stock (``consu``)."""
    lines = orders.env[line_model].sudo()
    products = orders.env.store.tables["product.product"].rows
    found = []
    for line_id in orders._values("order_line")[record_id]:
        line = lines._rows[line_id]
        product = products.get(line["product_id"] or 0)
        if product is not None and product["type"] == "consu":
            found.append((line_id, line))
    return found
