"""create, read, write and unlink: Odoo's value shapes and its magic fields."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from healthbridge.sandbox.odoo.exceptions import InvalidField, InvalidValue, ValidationError
from healthbridge.sandbox.odoo.orm import Database

from .conftest import HUB, Client, FrozenClock


def test_empty_values_read_as_false_zero_or_empty_list(admin: Client) -> None:
    partner = admin.call("res.partner", "create", {"name": "Blank Slate"})
    row = admin.call(
        "res.partner",
        "read",
        [partner],
        [
            "email",
            "comment",
            "date",
            "parent_id",
            "company_type",
            "customer_rank",
            "partner_latitude",
            "category_id",
            "child_ids",
            "is_company",
        ],
    )[0]
    assert row == {
        "id": partner,
        "email": False,
        "comment": False,
        "date": False,
        "parent_id": False,
        "company_type": "person",
        "customer_rank": 0,
        "partner_latitude": 0.0,
        "category_id": [],
        "child_ids": [],
        "is_company": False,
    }


def test_rows_always_carry_the_id_first(reader: Client) -> None:
    row = reader.call("res.partner", "search_read", [], fields=["name"], limit=1)[0]
    assert list(row) == ["id", "name"]


def test_many2one_reads_as_a_pair_or_as_a_bare_id_with_load_none(reader: Client) -> None:
    partner = reader.call(
        "res.partner",
        "search",
        [["country_id", "!=", False], ["category_id", "!=", False]],
        limit=1,
    )[0]
    classic = reader.call("res.partner", "read", [partner], ["country_id", "category_id"])[0]
    bare = reader.json2(
        "res.partner", "read", ids=[partner], fields=["country_id", "category_id"], load=None
    )[0]
    assert classic["country_id"] == [bare["country_id"], "Belgium"]
    assert bare["category_id"] == classic["category_id"]
    assert isinstance(bare["country_id"], int)


def test_datetimes_read_to_the_second_while_stored_with_microseconds(
    db: Database, admin: Client, clock: FrozenClock
) -> None:
    partner = admin.call("res.partner", "create", {"name": "Timed"})
    stored = next(row for row in db.records("res.partner") if row["id"] == partner)
    assert stored["write_date"] == datetime(2026, 11, 24, 15, 41, 51, 278667)
    assert (
        admin.call("res.partner", "read", [partner], ["write_date"])[0]["write_date"]
        == "2026-11-24 15:41:51"
    )


def test_every_record_of_one_call_gets_the_transaction_start_time(
    admin: Client, clock: FrozenClock
) -> None:
    ids = admin.call("res.partner", "create", [{"name": "A"}, {"name": "B"}, {"name": "C"}])
    rows = admin.call(
        "res.partner", "read", ids, ["create_date", "write_date", "create_uid", "write_uid"]
    )
    assert {(r["create_date"], r["write_date"]) for r in rows} == {
        ("2026-11-24 15:41:51", "2026-11-24 15:41:51")
    }
    assert {r["create_uid"][0] for r in rows} == {2}


def test_client_values_for_magic_fields_are_ignored(admin: Client) -> None:
    partner = admin.call(
        "res.partner",
        "create",
        {"name": "Sneaky", "write_date": "2001-01-01 00:00:00", "create_uid": 5, "id": 4242},
    )
    row = admin.call("res.partner", "read", [partner], ["write_date", "create_uid"])[0]
    assert partner != 4242
    assert row["write_date"] == "2026-11-24 15:41:51"
    assert row["create_uid"][0] == 2


def test_write_bumps_write_date_and_write_uid_even_without_a_change(
    db: Database, clock: FrozenClock
) -> None:
    admin, hub = Client(db), Client(db, HUB)
    partner = admin.call("res.partner", "create", {"name": "Same", "email": "same@example.com"})
    clock.advance(minutes=5)
    assert hub.call("res.partner", "write", [partner], {"email": "same@example.com"}) is True
    row = admin.call("res.partner", "read", [partner], ["write_date", "create_date", "write_uid"])[
        0
    ]
    assert row["write_date"] == "2026-11-24 15:46:51"
    assert row["create_date"] == "2026-11-24 15:41:51"
    assert row["write_uid"][0] == HUB


def test_create_returns_an_id_for_a_dict_and_a_list_for_a_list(admin: Client) -> None:
    single = admin.call("res.partner", "create", {"name": "One"})
    several = admin.call("res.partner", "create", [{"name": "Two"}, {"name": "Three"}])
    assert isinstance(single, int)
    assert isinstance(several, list)
    assert len(several) == 2
    assert admin.json2("res.partner", "create", vals_list=[{"name": "Four"}]) == [several[-1] + 1]


def test_read_leaves_out_missing_ids_without_an_error(reader: Client) -> None:
    assert reader.call("res.partner", "read", [999999], ["name"]) == []
    rows = reader.call("res.partner", "read", [999999, 1], ["name"])
    assert [row["id"] for row in rows] == [1]


def test_unlink_removes_the_record_and_returns_true(admin: Client) -> None:
    partner = admin.call("res.partner", "create", {"name": "Short-lived"})
    assert admin.call("res.partner", "unlink", [partner]) is True
    assert admin.call("res.partner", "read", [partner], ["name"]) == []


def test_unlinking_a_parent_empties_the_childrens_reference(admin: Client) -> None:
    parent = admin.call("res.partner", "create", {"name": "Parent Co", "is_company": True})
    child = admin.call("res.partner", "create", {"name": "Child", "parent_id": parent})
    admin.call("res.partner", "unlink", [parent])
    assert admin.call("res.partner", "read", [child], ["parent_id"])[0]["parent_id"] is False


def test_x2many_commands_link_replace_and_clear(admin: Client) -> None:
    tags = admin.call("res.partner.category", "search", [], order="id")
    partner = admin.call(
        "res.partner", "create", {"name": "Tagged", "category_id": [(6, 0, tags[:2])]}
    )
    admin.call("res.partner", "write", [partner], {"category_id": [(4, tags[2]), (3, tags[0])]})
    assert sorted(
        admin.call("res.partner", "read", [partner], ["category_id"])[0]["category_id"]
    ) == sorted(tags[1:3])
    admin.call("res.partner", "write", [partner], {"category_id": [[5, 0, 0]]})
    assert admin.call("res.partner", "read", [partner], ["category_id"])[0]["category_id"] == []
    admin.call("res.partner", "write", [partner], {"category_id": [tags[3]]})
    assert admin.call("res.partner", "read", [partner], ["category_id"])[0]["category_id"] == [
        tags[3]
    ]
    admin.call(
        "res.partner", "write", [partner], {"category_id": [(0, 0, {"name": "Brand New Tag"})]}
    )
    assert len(admin.call("res.partner", "read", [partner], ["category_id"])[0]["category_id"]) == 2


def test_one2many_create_commands_make_lines_owned_by_the_parent(admin: Client) -> None:
    vendor = admin.call("res.partner", "search", [["category_id.name", "=", "Supplier"]], limit=1)[
        0
    ]
    product = admin.call("product.product", "search", [["default_code", "=", "SYR-LL-10"]])[0]
    order = admin.call(
        "purchase.order",
        "create",
        {
            "partner_id": vendor,
            "order_line": [(0, 0, {"product_id": product, "product_qty": 40, "price_unit": 0.1})],
        },
    )
    row = admin.call(
        "purchase.order", "read", [order], ["name", "order_line", "amount_total", "state"]
    )[0]
    assert row["name"].startswith("P")
    assert row["state"] == "draft"
    line = admin.call(
        "purchase.order.line", "read", row["order_line"], ["name", "price_subtotal", "order_id"]
    )[0]
    assert line["name"] == "[SYR-LL-10] Luer-Lock Syringe 10 mL, Sterile"
    assert line["price_subtotal"] == 4.0
    assert row["amount_total"] == 4.0
    admin.call("purchase.order", "unlink", [order])
    assert admin.call("purchase.order.line", "read", row["order_line"], ["name"]) == []


def test_computed_names_follow_the_hierarchy(reader: Client) -> None:
    contact = reader.call(
        "res.partner",
        "search_read",
        [["parent_id.name", "=", "MedSupply Europe NV"]],
        fields=["display_name", "name"],
    )[0]
    assert contact["display_name"] == f"MedSupply Europe NV, {contact['name']}"
    location = reader.call(
        "stock.location", "search_read", [["name", "=", "Ward ICU"]], fields=["complete_name"]
    )[0]
    assert location["complete_name"] == "BRU/Stock/Ward ICU"
    product = reader.call(
        "product.product",
        "search_read",
        [["default_code", "=", "PPE-FFP2"]],
        fields=["display_name"],
    )[0]
    assert product["display_name"] == "[PPE-FFP2] FFP2 Respirator Mask, NR"


def test_quantities_on_hand_come_from_internal_quants(admin: Client) -> None:
    product = admin.call("product.product", "search", [["default_code", "=", "WND-TAP-25"]])[0]
    quants = admin.call(
        "stock.quant",
        "search_read",
        [["product_id", "=", product], ["location_id.usage", "=", "internal"]],
        fields=["quantity"],
    )
    before = admin.call("product.product", "read", [product], ["qty_available"])[0]["qty_available"]
    assert before == sum(q["quantity"] for q in quants)
    stock = admin.call("stock.location", "search", [["complete_name", "=", "LEU/Stock"]])[0]
    shelf = admin.call("stock.location", "create", {"name": "Shelf 9", "location_id": stock})
    admin.call(
        "stock.quant", "create", {"product_id": product, "location_id": shelf, "quantity": 7}
    )
    on_shelf = admin.call(
        "product.product", "read", [product], ["qty_available"], context={"location": shelf}
    )
    assert on_shelf[0]["qty_available"] == 7.0
    after = admin.call("product.product", "read", [product], ["qty_available"])[0]["qty_available"]
    assert after == before + 7.0


def test_company_type_writes_through_to_is_company(admin: Client) -> None:
    partner = admin.call("res.partner", "create", {"name": "Soon a company"})
    admin.call("res.partner", "write", [partner], {"company_type": "company"})
    assert admin.call("res.partner", "read", [partner], ["is_company"])[0]["is_company"] is True
    with pytest.raises(
        InvalidValue, match=re.escape("Wrong value for res.partner.company_type: 'nope'")
    ):
        admin.call("res.partner", "write", [partner], {"company_type": "nope"})


def test_a_contact_inherits_and_then_follows_its_companys_address(admin: Client) -> None:
    company = admin.call(
        "res.partner",
        "create",
        {"name": "Addr Co", "is_company": True, "street": "Kerkstraat 1", "city": "Gent"},
    )
    contact = admin.call("res.partner", "create", {"name": "Addr Person", "parent_id": company})
    assert admin.call("res.partner", "read", [contact], ["street", "city"])[0] == {
        "id": contact,
        "street": "Kerkstraat 1",
        "city": "Gent",
    }
    admin.call("res.partner", "write", [company], {"city": "Brugge"})
    assert admin.call("res.partner", "read", [contact], ["city"])[0]["city"] == "Brugge"


def test_unknown_fields_in_values_are_refused(admin: Client) -> None:
    with pytest.raises(InvalidField, match=re.escape("Invalid field 'nope' in 'res.partner'")):
        admin.call("res.partner", "create", {"name": "x", "nope": 1})


def test_a_required_field_left_empty_is_a_not_null_violation(admin: Client) -> None:
    with pytest.raises(ValidationError) as caught:
        admin.call("purchase.order", "create", {"origin": "no vendor"})
    assert caught.value.message == (
        "The operation cannot be completed:\n"
        "- Create/update: a mandatory field is not set.\n"
        "- Delete: another model requires the record being deleted. "
        "If possible, archive it instead.\n\n"
        "Model: Purchase Order (purchase.order)\n"
        "Field: Vendor (partner_id)\n"
    )


def test_fields_get_describes_types_relations_and_selections(reader: Client) -> None:
    described = reader.call(
        "res.partner",
        "fields_get",
        attributes=["type", "string", "relation", "selection", "required"],
    )
    assert described["country_id"] == {
        "type": "many2one",
        "string": "Country",
        "relation": "res.country",
        "required": False,
    }
    assert described["company_type"]["selection"] == [["person", "Person"], ["company", "Company"]]
    full = reader.call("res.partner", "fields_get", ["email"])
    assert set(full) == {"email"}
    assert full["email"]["store"] is True
    assert full["email"]["searchable"] is True
