"""Every demo row of every mapped model becomes a valid canonical object that finds its record."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from healthbridge.canonical import GTIN_SYSTEM, Identifier, Organization, Patient, is_valid_gtin
from healthbridge.mappings.odoo import (
    is_patient,
    odoo_field_system,
    odoo_to_invoice,
    odoo_to_location,
    odoo_to_lot,
    odoo_to_organization,
    odoo_to_patient,
    odoo_to_payment,
    odoo_to_practitioner,
    odoo_to_product,
    odoo_to_service_order,
    odoo_to_stock_level,
    odoo_to_supply_order,
)
from healthbridge.mappings.odoo.related import OdooRelated
from tests.unit.mappings.odoo.conftest import Rows


def test_every_partner_maps_to_a_patient_or_an_organization_with_its_roles(
    rows: Rows, related: OdooRelated
) -> None:
    patients = organizations = 0
    for row in rows("res.partner"):
        obj: Patient | Organization
        if is_patient(row, related):
            obj = odoo_to_patient(row, related=related)
            patients += 1
            assert Identifier.odoo("res.partner", row["id"]) in obj.identifiers
            mrn = [
                i for i in obj.identifiers if i.system == odoo_field_system("res.partner", "ref")
            ]
            assert [i.value for i in mrn] == [row["ref"]]
            assert mrn[0].type is not None
            assert mrn[0].type.codings[0].code == "MR"
            assert obj.names[0].text == row["name"]
            assert obj.active is row["active"]
            assert obj.birth_date is None
            assert obj.gender is None
        else:
            obj = odoo_to_organization(row, related=related)
            organizations += 1
            assert Identifier.odoo("res.partner", row["id"]) in obj.identifiers
            tags = {related.partner_tags[i] for i in row["category_id"]}
            expected = {
                {"Facility": "facility", "Payer": "payer", "Supplier": "supplier"}.get(t, t)
                for t in tags
            }
            expected = {{"Laboratory": "lab", "Pharmacy": "pharmacy"}.get(t, t) for t in expected}
            if row["supplier_rank"] > 0:
                expected.add("supplier")
            assert set(obj.roles) == expected
            if row["parent_id"]:
                assert obj.part_of is not None
                assert obj.part_of.display == row["parent_id"][1]
        if row["country_id"]:
            assert obj.addresses[0].country == row["country_id"][1]
    assert patients == 36
    assert organizations > 20


def test_every_product_maps_with_a_checked_gtin_and_its_price_in_the_company_currency(
    rows: Rows, related: OdooRelated
) -> None:
    for row in rows("product.product"):
        product = odoo_to_product(row, related=related)
        assert Identifier.odoo("product.product", row["id"]) in product.identifiers
        assert product.kind == ("service" if row["type"] == "service" else "supply")
        assert product.uom == row["uom_id"][1]
        assert product.list_price is not None
        assert product.list_price.currency == "EUR"
        assert product.list_price.amount == Decimal(repr(row["list_price"]))
        gtins = [i.value for i in product.identifiers if i.system == GTIN_SYSTEM]
        assert all(g is not None and is_valid_gtin(g) for g in gtins)
        assert gtins == ([row["barcode"]] if row["barcode"] else [])


def test_an_invalid_barcode_is_kept_as_a_plain_identifier_never_as_a_gtin(
    rows: Rows, related: OdooRelated
) -> None:
    row = dict(rows("product.product")[0], barcode="5412004001482")
    product = odoo_to_product(row, related=related)
    assert product.gtin is None
    plain = odoo_field_system("product.product", "barcode")
    assert [i.value for i in product.identifiers if i.system == plain] == ["5412004001482"]


def test_a_product_price_is_left_out_when_the_company_currency_is_unknown(rows: Rows) -> None:
    assert odoo_to_product(rows("product.product")[0]).list_price is None


def test_every_lot_maps_with_its_product_and_a_utc_expiry(rows: Rows) -> None:
    for row in rows("stock.lot"):
        lot = odoo_to_lot(row)
        assert Identifier.odoo("stock.lot", row["id"]) in lot.identifiers
        assert lot.lot_number == row["name"]
        assert lot.product is not None
        assert lot.product.display == row["product_id"][1]
        if row["expiration_date"]:
            assert isinstance(lot.expiry, datetime)
            assert lot.expiry.isoformat(sep=" ") == row["expiration_date"] + "+00:00"


def test_every_quant_and_location_maps(rows: Rows) -> None:
    for row in rows("stock.quant"):
        level = odoo_to_stock_level(row)
        assert Identifier.odoo("stock.quant", row["id"]) in level.identifiers
        assert level.location.display == row["location_id"][1]
        assert level.quantity.value == Decimal(repr(row["quantity"]))
        assert (level.lot is None) == (row["lot_id"] is False)
    for row in rows("stock.location"):
        location = odoo_to_location(row)
        assert Identifier.odoo("stock.location", row["id"]) in location.identifiers
        assert location.name == row["complete_name"]
        assert (location.part_of is None) == (row["location_id"] is False)


def test_every_purchase_and_sale_order_maps_with_its_lines_in_the_order_currency(
    rows: Rows, related: OdooRelated
) -> None:
    purchase_related = replace(related, lines=rows("purchase.order.line"))
    for row in rows("purchase.order"):
        order = odoo_to_supply_order(row, related=purchase_related)
        assert Identifier.odoo("purchase.order", row["id"]) in order.identifiers
        assert order.suppliers[0].display == row["partner_id"][1]
        mine = [r for r in rows("purchase.order.line") if r["order_id"][0] == row["id"]]
        assert len(order.lines) == len(mine)
        assert {line.unit_price.currency for line in order.lines if line.unit_price} <= {
            row["currency_id"][1]
        }
    sale_related = replace(related, lines=rows("sale.order.line"))
    for row in rows("sale.order"):
        sale = odoo_to_service_order(row, related=sale_related)
        assert Identifier.odoo("sale.order", row["id"]) in sale.identifiers
        assert sale.customer is not None
        assert sale.customer.display == row["partner_id"][1]
        assert sale.total is not None
        assert sale.total.currency == row["currency_id"][1]


def test_every_invoice_and_payment_maps_with_amounts_in_their_currency(
    rows: Rows, related: OdooRelated
) -> None:
    move_related = replace(related, lines=rows("account.move.line"))
    for row in rows("account.move"):
        invoice = odoo_to_invoice(row, related=move_related)
        assert Identifier.odoo("account.move", row["id"]) in invoice.identifiers
        assert invoice.total_gross is not None
        assert invoice.total_gross.amount == Decimal(repr(row["amount_total"]))
        assert invoice.total_gross.currency == row["currency_id"][1]
        if row["partner_id"]:
            assert invoice.recipient is not None
            assert invoice.recipient.display == row["partner_id"][1]
        if row["state"] == "posted" and row["payment_state"] == "paid":
            assert invoice.status == "balanced"
    for row in rows("account.payment"):
        payment = odoo_to_payment(row)
        assert Identifier.odoo("account.payment", row["id"]) in payment.identifiers
        assert payment.amount.currency == row["currency_id"][1]
        assert len(payment.allocations) == len(row["invoice_ids"])


def test_every_employee_maps_to_a_practitioner(rows: Rows) -> None:
    for row in rows("hr.employee"):
        practitioner = odoo_to_practitioner(row)
        assert Identifier.odoo("hr.employee", row["id"]) in practitioner.identifiers
        assert practitioner.names[0].text == row["name"]
        emails = [t.value for t in practitioner.telecom if t.system == "email"]
        assert emails == ([row["work_email"]] if row["work_email"] else [])
