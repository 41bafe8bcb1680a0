"""Each call is one transaction: on any error nothing it did is left behind."""

from __future__ import annotations

import re

import pytest

from healthbridge.sandbox.odoo.exceptions import OdooError, UserError, ValidationError
from healthbridge.sandbox.odoo.orm import Database

from .conftest import Client


def test_a_failing_write_leaves_every_value_as_it_was(db: Database, admin: Client) -> None:
    partner = admin.call("res.partner", "create", {"name": "Stable", "email": "before@example.com"})
    before = [row for row in db.records("res.partner") if row["id"] == partner]
    with pytest.raises(ValidationError):
        admin.call(
            "res.partner", "write", [partner], {"email": "after@example.com", "parent_id": partner}
        )
    assert [row for row in db.records("res.partner") if row["id"] == partner] == before


def test_a_batch_create_with_one_bad_record_creates_none(db: Database, admin: Client) -> None:
    count = len(db.records("res.partner"))
    with pytest.raises(ValidationError):
        admin.call("res.partner", "create", [{"name": "Good"}, {"email": "nameless@example.com"}])
    assert len(db.records("res.partner")) == count
    assert admin.call("res.partner", "create", {"name": "Next"}) == max(
        r["id"] for r in db.records("res.partner")
    )


def test_a_business_method_that_fails_halfway_undoes_its_first_half(
    db: Database, admin: Client
) -> None:
    drafts = admin.call("sale.order", "search", [["state", "=", "draft"]], order="id")
    confirmed = admin.call("sale.order", "search", [["state", "=", "sale"]], limit=1)
    pickings = len(db.records("stock.picking"))
    with pytest.raises(
        UserError, match=re.escape("Some orders are not in a state requiring confirmation.")
    ):
        admin.call("sale.order", "action_confirm", drafts + confirmed)
    assert (
        admin.call(
            "sale.order", "search", [["id", "in", drafts], ["state", "=", "draft"]], order="id"
        )
        == drafts
    )
    assert len(db.records("stock.picking")) == pickings


def test_a_rolled_back_call_gives_no_gap_in_document_numbers(admin: Client) -> None:
    vendor = admin.call("res.partner", "search", [["category_id.name", "=", "Supplier"]], limit=1)[
        0
    ]
    with pytest.raises(OdooError):
        admin.call("purchase.order", "create", [{"partner_id": vendor}, {"partner_id": 999999}])
    names = [
        o["name"]
        for o in admin.call("purchase.order", "search_read", [], fields=["name"], order="id")
    ]
    new = admin.call("purchase.order", "create", {"partner_id": vendor})
    assert (
        admin.call("purchase.order", "read", [new], ["name"])[0]["name"] == f"P{len(names) + 1:05d}"
    )


def test_deleted_records_come_back_when_the_call_fails(db: Database, admin: Client) -> None:
    order = admin.call("purchase.order", "search", [["state", "=", "draft"]], limit=1)
    lines = admin.call("purchase.order", "read", order, ["order_line"])[0]["order_line"]
    confirmed = admin.call("purchase.order", "search", [["state", "=", "purchase"]], limit=1)
    with pytest.raises(UserError):
        admin.call("purchase.order", "unlink", order + confirmed)
    assert admin.call("purchase.order", "read", order, ["order_line"])[0]["order_line"] == lines
