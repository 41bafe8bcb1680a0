"""Demo business documents: purchase orders, sales orders, invoices, bills and payments.

They go through the same business methods a client would call (``button_confirm``,
``action_post``...), so receipts, numbers and payment states are the ORM's own.
"""

from __future__ import annotations

from typing import Any

from healthbridge.sandbox.odoo.orm.demo.catalog import ITEMS
from healthbridge.sandbox.odoo.orm.demo.people import FACILITIES
from healthbridge.sandbox.odoo.orm.demo.seeding import Seeder

# State each demo purchase order ends in, in creation order.
PURCHASE_PLAN = (
    "purchase",
    "purchase",
    "draft",
    "purchase",
    "sent",
    "draft",
    "received",
    "purchase",
    "cancel",
    "draft",
    "received",
    "sent",
    "draft",
    "purchase",
)


def _lines(seeder: Seeder, codes: list[str]) -> list[tuple[Any, ...]]:
    rng = seeder.rng
    chosen = rng.sample(codes, min(len(codes), rng.randrange(2, 6)))
    return [
        (
            0,
            0,
            {
                "product_id": seeder.products[code],
                "product_qty": float(rng.choice((10, 20, 25, 50, 100, 200))),
            },
        )
        for code in chosen
    ]


def seed_purchases(seeder: Seeder) -> None:
    """Fourteen purchase orders: RFQs, sent RFQs, confirmed, received and cancelled ones."""
    rng = seeder.rng
    by_supplier: dict[str, list[str]] = {}
    for item in ITEMS:
        if not item.service:
            by_supplier.setdefault(seeder.product_supplier[item.code], []).append(item.code)
    suppliers = sorted(by_supplier)
    receipt_types = {
        seeder.row("stock.picking.type", i)["warehouse_id"]: i
        for i in seeder.ids("stock.picking.type")
        if seeder.row("stock.picking.type", i)["code"] == "incoming"
    }
    for number, plan in enumerate(PURCHASE_PLAN):
        supplier = suppliers[number % len(suppliers)]
        facility = FACILITIES[rng.randrange(len(FACILITIES))]
        order = seeder.one(
            "purchase.order",
            {
                "partner_id": seeder.suppliers[supplier],
                "partner_ref": f"SO-{rng.randrange(20000, 99999)}"
                if plan in ("purchase", "received")
                else False,
                "origin": f"Replenishment {facility.code}/Stock",
                "date_order": seeder.days_ago(40 - number * 2.5),
                "date_planned": seeder.days_ago(30 - number * 3),
                "picking_type_id": receipt_types[seeder.warehouses[facility.code]],
                "order_line": _lines(seeder, by_supplier[supplier]),
            },
        )
        if plan == "sent":
            seeder.write("purchase.order", [order], {"state": "sent"})
        elif plan in ("purchase", "received"):
            seeder.call("purchase.order", "button_confirm", [order])
            if plan == "received":
                pickings = list(
                    seeder.env["purchase.order"]
                    .sudo()
                    .browse([order])
                    ._values("picking_ids")[order]
                )
                seeder.call("stock.picking", "button_validate", pickings)
        elif plan == "cancel":
            seeder.call("purchase.order", "button_cancel", [order])


def seed_sales(seeder: Seeder) -> None:
    """Sales of supplies to partner pharmacies and laboratories (two confirmed)."""
    rng = seeder.rng
    stocked = [item.code for item in ITEMS if not item.service and not item.lot]
    customers = seeder.pharmacies + seeder.laboratories
    for number, customer in enumerate(customers[:5]):
        order = seeder.one(
            "sale.order",
            {
                "partner_id": customer,
                "client_order_ref": f"PO-{rng.randrange(1000, 9999)}",
                "date_order": seeder.days_ago(20 - number * 3),
                "warehouse_id": seeder.warehouses["BRU"],
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": seeder.products[code],
                            "product_uom_qty": float(rng.choice((5, 10, 20))),
                        },
                    )
                    for code in rng.sample(stocked, 3)
                ],
            },
        )
        if number < 2:
            seeder.call("sale.order", "action_confirm", [order])


def seed_invoices(seeder: Seeder) -> None:
    """Customer invoices to payers and patients, vendor bills for confirmed orders, payments."""
    rng = seeder.rng
    services = [item.code for item in ITEMS if item.service]
    supplies = [item.code for item in ITEMS if not item.service]
    invoices: list[int] = []
    customers = seeder.payers + seeder.patients[2:5] + seeder.pharmacies[:1]
    for number, partner in enumerate(customers):
        lines = [
            (
                0,
                0,
                {
                    "product_id": seeder.products[rng.choice(services)],
                    "quantity": float(rng.randrange(1, 6)),
                },
            )
        ]
        lines += [
            (0, 0, {"product_id": seeder.products[code], "quantity": float(rng.randrange(5, 40))})
            for code in rng.sample(supplies, 2)
        ]
        move = seeder.one(
            "account.move",
            {
                "move_type": "out_invoice",
                "partner_id": partner,
                "invoice_date": seeder.day(-45 + number * 5),
                "invoice_origin": f"Billing run {number + 1:02d}",
                "invoice_line_ids": lines,
            },
        )
        invoices.append(move)
    posted = invoices[:6]
    seeder.call("account.move", "action_post", posted)
    refund = seeder.one(
        "account.move",
        {
            "move_type": "out_refund",
            "partner_id": seeder.payers[0],
            "invoice_date": seeder.day(-3),
            "ref": "Correction of duplicate charge",
            "invoice_line_ids": [
                (0, 0, {"product_id": seeder.products[services[0]], "quantity": 1.0})
            ],
        },
    )
    seeder.call("account.move", "action_post", [refund])
    bills: list[int] = []
    orders = [
        i
        for i in seeder.ids("purchase.order")
        if seeder.row("purchase.order", i)["state"] == "purchase"
    ]
    for number, order_id in enumerate(orders[:6]):
        order = seeder.row("purchase.order", order_id)
        lines = (
            seeder.env["purchase.order"].sudo().browse([order_id])._values("order_line")[order_id]
        )
        bill_lines = []
        for line_id in lines:
            line = seeder.row("purchase.order.line", line_id)
            bill_lines.append(
                (
                    0,
                    0,
                    {
                        "product_id": line["product_id"],
                        "quantity": line["product_qty"],
                        "price_unit": line["price_unit"],
                    },
                )
            )
        bills.append(
            seeder.one(
                "account.move",
                {
                    "move_type": "in_invoice",
                    "partner_id": order["partner_id"],
                    "invoice_date": seeder.day(-20 + number * 3),
                    "ref": f"INV-{rng.randrange(100000, 999999)}",
                    "invoice_origin": order["name"],
                    "invoice_line_ids": bill_lines,
                },
            )
        )
    seeder.call("account.move", "action_post", bills[:4])
    _payments(seeder, posted, bills[:4])


def _payments(seeder: Seeder, invoices: list[int], bills: list[int]) -> None:
    moves = seeder.env["account.move"].sudo()
    totals = moves.browse(invoices + bills)._values("amount_total")
    paid = seeder.one(
        "account.payment",
        {
            "partner_id": seeder.row("account.move", invoices[0])["partner_id"],
            "amount": totals[invoices[0]],
            "payment_type": "inbound",
            "partner_type": "customer",
            "memo": seeder.row("account.move", invoices[0])["name"],
            "date": seeder.day(-10),
            "invoice_ids": [(6, 0, [invoices[0]])],
        },
    )
    partial = seeder.one(
        "account.payment",
        {
            "partner_id": seeder.row("account.move", invoices[1])["partner_id"],
            "amount": round(totals[invoices[1]] / 2, 2),
            "payment_type": "inbound",
            "partner_type": "customer",
            "memo": seeder.row("account.move", invoices[1])["name"],
            "date": seeder.day(-4),
            "invoice_ids": [(6, 0, [invoices[1]])],
        },
    )
    vendor = seeder.one(
        "account.payment",
        {
            "partner_id": seeder.row("account.move", bills[0])["partner_id"],
            "amount": totals[bills[0]],
            "payment_type": "outbound",
            "partner_type": "supplier",
            "memo": seeder.row("account.move", bills[0])["ref"],
            "date": seeder.day(-6),
            "invoice_ids": [(6, 0, [bills[0]])],
        },
    )
    seeder.one(
        "account.payment",
        {
            "partner_id": seeder.payers[2],
            "amount": 250.0,
            "payment_type": "inbound",
            "partner_type": "customer",
            "memo": "Advance on account",
            "date": seeder.day(-1),
        },
    )
    seeder.call("account.payment", "action_post", [paid, partial, vendor])
    seeder.call("account.payment", "action_validate", [paid, vendor])
