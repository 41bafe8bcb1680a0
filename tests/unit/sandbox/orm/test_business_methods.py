"""Business methods: purchase, sale, invoice and payment flows the hub drives remotely."""

from __future__ import annotations

import re

import pytest

from healthbridge.sandbox.odoo.exceptions import UserError
from healthbridge.sandbox.odoo.orm import Database

from .conftest import Client


def product(client: Client, code: str) -> int:
    return int(client.call("product.product", "search", [["default_code", "=", code]])[0])


def vendor(client: Client) -> int:
    return int(client.call("res.partner", "search", [["name", "=", "MedSupply Europe NV"]])[0])


def test_confirming_an_rfq_makes_a_purchase_order_with_an_incoming_receipt(admin: Client) -> None:
    syringe = product(admin, "SYR-LL-05")
    before = admin.call(
        "product.product", "read", [syringe], ["incoming_qty", "virtual_available", "qty_available"]
    )[0]
    order = admin.call(
        "purchase.order",
        "create",
        {
            "partner_id": vendor(admin),
            "order_line": [(0, 0, {"product_id": syringe, "product_qty": 500})],
        },
    )
    assert admin.call("purchase.order", "button_confirm", [order]) is True
    row = admin.call(
        "purchase.order",
        "read",
        [order],
        ["state", "date_approve", "picking_ids", "incoming_picking_count"],
    )[0]
    assert row["state"] == "purchase"
    assert row["date_approve"] == "2026-11-24 15:41:51"
    assert row["incoming_picking_count"] == 1
    picking = admin.call(
        "stock.picking",
        "read",
        row["picking_ids"],
        ["state", "origin", "name", "location_id", "move_ids"],
    )[0]
    assert picking["state"] == "assigned"
    assert picking["location_id"][1] == "Partners/Vendors"
    assert picking["name"].split("/")[1] == "IN"
    after = admin.call("product.product", "read", [syringe], ["incoming_qty", "virtual_available"])[
        0
    ]
    assert after["incoming_qty"] == before["incoming_qty"] + 500
    assert after["virtual_available"] == before["virtual_available"] + 500
    admin.call("stock.picking", "button_validate", row["picking_ids"])
    received = admin.call("product.product", "read", [syringe], ["qty_available", "incoming_qty"])[
        0
    ]
    assert received["qty_available"] == before["qty_available"] + 500
    assert received["incoming_qty"] == before["incoming_qty"]
    line = admin.call("purchase.order", "read", [order], ["order_line"])[0]["order_line"]
    assert (
        admin.call("purchase.order.line", "read", line, ["qty_received"])[0]["qty_received"] == 500
    )


def test_confirming_twice_changes_nothing_the_second_time(admin: Client) -> None:
    order = admin.call("purchase.order", "search", [["state", "=", "purchase"]], limit=1)
    pickings = admin.call("purchase.order", "read", order, ["picking_ids"])[0]["picking_ids"]
    assert admin.call("purchase.order", "button_confirm", order) is True
    assert (
        admin.call("purchase.order", "read", order, ["picking_ids"])[0]["picking_ids"] == pickings
    )


def test_cancelling_a_purchase_order_cancels_its_open_receipt(admin: Client) -> None:
    order = admin.call(
        "purchase.order",
        "search",
        [["state", "=", "purchase"], ["picking_ids.state", "=", "assigned"]],
        limit=1,
    )
    assert admin.call("purchase.order", "button_cancel", order) is None
    row = admin.call("purchase.order", "read", order, ["state", "picking_ids"])[0]
    assert row["state"] == "cancel"
    assert {
        p["state"] for p in admin.call("stock.picking", "read", row["picking_ids"], ["state"])
    } == {"cancel"}
    assert admin.call("purchase.order", "button_draft", order) == {}


def test_a_received_purchase_order_cannot_be_cancelled(admin: Client) -> None:
    order = admin.call("purchase.order", "search", [["picking_ids.state", "=", "done"]], limit=1)
    with pytest.raises(UserError, match=re.escape("as some receptions have already been done")):
        admin.call("purchase.order", "button_cancel", order)


def test_confirming_a_quotation_makes_a_sales_order_with_a_delivery(admin: Client) -> None:
    quotation = admin.call("sale.order", "search", [["state", "=", "draft"]], limit=1)
    assert admin.call("sale.order", "action_confirm", quotation) is True
    row = admin.call("sale.order", "read", quotation, ["state", "picking_ids", "amount_total"])[0]
    assert row["state"] == "sale"
    assert row["amount_total"] > 0
    delivery = admin.call(
        "stock.picking", "read", row["picking_ids"], ["location_dest_id", "name"]
    )[0]
    assert delivery["location_dest_id"][1] == "Partners/Customers"
    assert "/OUT/" in delivery["name"]


def test_posting_an_invoice_numbers_it_in_its_journal_sequence(admin: Client) -> None:
    posted = admin.call(
        "account.move",
        "search_read",
        [["move_type", "=", "out_invoice"], ["state", "=", "posted"]],
        fields=["name"],
    )
    draft = admin.call(
        "account.move",
        "search",
        [["move_type", "=", "out_invoice"], ["state", "=", "draft"]],
        limit=1,
    )
    assert (
        admin.call("account.move", "read", draft, ["display_name"])[0]["display_name"]
        == f"Draft Invoice (* {draft[0]})"
    )
    assert admin.call("account.move", "action_post", draft) is False
    row = admin.call(
        "account.move",
        "read",
        draft,
        ["name", "state", "payment_state", "amount_residual", "amount_total"],
    )[0]
    assert row["name"] == f"INV/2026/{len(posted) + 1:05d}"
    assert row["state"] == "posted"
    assert row["payment_state"] == "not_paid"
    assert row["amount_residual"] == row["amount_total"]
    with pytest.raises(UserError, match=r"is already posted"):
        admin.call("account.move", "action_post", draft)
    assert admin.call("account.move", "button_draft", draft) is None
    assert admin.call("account.move", "read", draft, ["state", "name"])[0] == {
        "id": draft[0],
        "state": "draft",
        "name": row["name"],
    }
    with pytest.raises(
        UserError, match=re.escape("You cannot delete an entry which has been posted once.")
    ):
        admin.call("account.move", "unlink", draft)


def test_vendor_bills_and_credit_notes_have_their_own_sequences(admin: Client) -> None:
    partner = vendor(admin)
    bill = admin.call(
        "account.move",
        "create",
        {
            "move_type": "in_invoice",
            "partner_id": partner,
            "invoice_line_ids": [(0, 0, {"name": "Gloves", "quantity": 2, "price_unit": 10})],
        },
    )
    refund = admin.call(
        "account.move",
        "create",
        {
            "move_type": "in_refund",
            "partner_id": partner,
            "invoice_line_ids": [(0, 0, {"name": "Return", "price_unit": 5})],
        },
    )
    admin.call("account.move", "action_post", [bill, refund])
    names = {
        r["id"]: r["name"] for r in admin.call("account.move", "read", [bill, refund], ["name"])
    }
    assert names[bill].startswith("BILL/2026/")
    assert names[refund] == "RBILL/2026/00001"


def test_posting_needs_a_partner_and_a_line(admin: Client) -> None:
    empty = admin.call("account.move", "create", {"move_type": "out_invoice", "partner_id": 1})
    with pytest.raises(UserError, match=re.escape("You need to add a line before posting.")):
        admin.call("account.move", "action_post", [empty])
    anonymous = admin.call(
        "account.move",
        "create",
        {"move_type": "out_invoice", "invoice_line_ids": [(0, 0, {"name": "x", "price_unit": 1})]},
    )
    with pytest.raises(
        UserError,
        match=re.escape(
            "The field 'Customer' is required, please complete it to validate the Customer Invoice."
        ),
    ):
        admin.call("account.move", "action_post", [anonymous])


def test_posting_a_payment_settles_the_invoices_it_names(admin: Client) -> None:
    invoice = admin.call(
        "account.move",
        "search",
        [
            ["move_type", "=", "out_invoice"],
            ["payment_state", "=", "not_paid"],
            ["state", "=", "posted"],
        ],
        limit=1,
    )[0]
    total = admin.call("account.move", "read", [invoice], ["amount_total", "partner_id"])[0]
    payment = admin.call(
        "account.payment",
        "create",
        {
            "partner_id": total["partner_id"][0],
            "amount": total["amount_total"],
            "invoice_ids": [(6, 0, [invoice])],
            "memo": "Settlement",
        },
    )
    assert admin.call("account.payment", "action_post", [payment]) is None
    assert admin.call("account.payment", "read", [payment], ["state", "name"])[0][
        "name"
    ].startswith("PBNK1/2026/")
    assert admin.call("account.move", "read", [invoice], ["payment_state", "amount_residual"])[
        0
    ] == {"id": invoice, "payment_state": "in_payment", "amount_residual": 0.0}
    admin.call("account.payment", "action_validate", [payment])
    assert (
        admin.call("account.move", "read", [invoice], ["payment_state"])[0]["payment_state"]
        == "paid"
    )


def test_the_draft_and_cancel_states_of_purchase_orders_can_be_deleted(
    db: Database, admin: Client
) -> None:
    draft = admin.call("purchase.order", "search", [["state", "=", "draft"]], limit=1)
    assert admin.call("purchase.order", "unlink", draft) is True
    confirmed = admin.call("purchase.order", "search", [["state", "=", "purchase"]], limit=1)
    with pytest.raises(
        UserError, match=re.escape("In order to delete a purchase order, you must cancel it first.")
    ):
        admin.call("purchase.order", "unlink", confirmed)
