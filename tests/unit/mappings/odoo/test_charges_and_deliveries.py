"""Customer invoice lines read back as Charges, receipts as SupplyDeliveries, both valid FHIR."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from healthbridge.canonical import Coding, Concept, Identifier, Money, Quantity
from healthbridge.mappings.fhir import canonical_to_fhir
from healthbridge.mappings.odoo import (
    OdooMappingError,
    charge_to_odoo_line_vals,
    odoo_to_charge,
    odoo_to_supply_delivery,
)
from healthbridge.mappings.odoo.related import OdooRelated
from healthbridge.sandbox.odoo.orm import Database
from tests.unit.mappings.odoo.conftest import Rows, read_rows


def _valid_fhir(obj: Any) -> dict[str, Any]:
    resource = canonical_to_fhir(obj)
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


@pytest.fixture(scope="module")
def customer_lines(demo_db: Database) -> list[dict[str, Any]]:
    """Product lines of customer invoices and refunds, as the charge reader's caller reads them."""
    domain = [
        ["move_id.move_type", "in", ["out_invoice", "out_refund"]],
        ["display_type", "=", "product"],
    ]
    return read_rows(demo_db, "account.move.line", domain)


@pytest.fixture(scope="module")
def receipts(demo_db: Database) -> list[dict[str, Any]]:
    return read_rows(demo_db, "stock.picking", [["picking_type_id.code", "=", "incoming"]])


class TestCharges:
    def test_every_customer_invoice_line_is_a_charge_for_the_invoiced_partner(
        self, customer_lines: list[dict[str, Any]], related: OdooRelated
    ) -> None:
        assert len(customer_lines) > 10
        for row in customer_lines:
            charge = odoo_to_charge(row, related=related)
            assert charge.identifiers == (Identifier.odoo("account.move.line", row["id"]),)
            assert charge.subject.identifier == Identifier.odoo("res.partner", row["partner_id"][0])
            assert charge.status == {"draft": "billable", "posted": "billed"}[row["parent_state"]]
            assert charge.quantity is not None
            assert charge.quantity.value == Decimal(repr(row["quantity"]))
            assert charge.price_override is not None
            assert charge.price_override.amount == Decimal(repr(row["price_subtotal"]))
            assert charge.price_override.currency == "EUR"
            assert charge.product is not None
            assert charge.code.codings[0].code == str(row["product_id"][0])
            assert charge.code.text == row["name"]
            assert charge.occurrence is not None
            assert charge.occurrence.isoformat() == row["date"]

    def test_charges_validate_as_fhir_r4_charge_items(
        self, customer_lines: list[dict[str, Any]], related: OdooRelated
    ) -> None:
        for row in customer_lines:
            resource = _valid_fhir(odoo_to_charge(row, related=related))
            assert resource["resourceType"] == "ChargeItem"
            assert resource["priceOverride"]["currency"] == "EUR"

    def test_a_cancelled_invoice_line_is_an_aborted_charge_and_without_currency_has_no_price(
        self, customer_lines: list[dict[str, Any]]
    ) -> None:
        row = {**customer_lines[0], "parent_state": "cancel"}
        charge = odoo_to_charge(row)
        assert (charge.status, charge.price_override) == ("aborted", None)

    def test_a_line_without_a_product_is_coded_by_its_label(
        self, customer_lines: list[dict[str, Any]], related: OdooRelated
    ) -> None:
        row = {**customer_lines[0], "product_id": False, "name": "Ward delivery"}
        charge = odoo_to_charge(row, related=related)
        assert (charge.code.text, charge.code.codings, charge.product) == (
            "Ward delivery",
            (),
            None,
        )

    def test_a_charge_read_from_a_line_writes_back_the_same_line(
        self, customer_lines: list[dict[str, Any]], related: OdooRelated
    ) -> None:
        for row in customer_lines:
            vals = charge_to_odoo_line_vals(odoo_to_charge(row, related=related))
            assert vals == {
                "name": row["name"],
                "quantity": row["quantity"],
                "price_unit": row["price_unit"],
                "product_id": row["product_id"][0],
            }

    def test_a_charge_from_elsewhere_is_labelled_by_its_code_and_priced_per_unit(
        self, customer_lines: list[dict[str, Any]], related: OdooRelated
    ) -> None:
        charge = odoo_to_charge(customer_lines[0], related=related)
        dft_like = charge.model_copy(
            update={
                "code": Concept(
                    codings=(Coding(system="urn:ehr:cdm", code="99213"),), text="Visit"
                ),
                "product": None,
                "quantity": Quantity(value=Decimal(3)),
                "price_override": Money(amount=Decimal("100.00"), currency="EUR"),
            }
        )
        assert charge_to_odoo_line_vals(dft_like) == {
            "name": "99213 Visit",
            "quantity": 3.0,
            "price_unit": 33.33,
        }

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"display_type": "line_section"}, "display_type"),
            ({"display_type": "line_note", "product_id": False}, "display_type"),
            ({"product_id": False, "name": False}, "product_id"),
            ({"partner_id": False}, "partner_id"),
            ({"parent_state": "limbo"}, "parent_state"),
            ({"price_subtotal": "12"}, "price_subtotal"),
        ],
    )
    def test_a_line_that_is_no_charge_is_refused_naming_the_field(
        self, customer_lines: list[dict[str, Any]], change: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(OdooMappingError) as caught:
            odoo_to_charge({**customer_lines[0], **change})
        assert caught.value.details["field"] == field


class TestSupplyDeliveries:
    def test_every_receipt_maps_with_its_order_supplier_destination_and_one_line_per_move(
        self, receipts: list[dict[str, Any]], rows: Rows, related: OdooRelated
    ) -> None:
        moves = rows("stock.move")
        assert len(receipts) > 3
        for row in receipts:
            delivery = odoo_to_supply_delivery(row, related=replace(related, lines=moves))
            mine = [m for m in moves if m["picking_id"] and m["picking_id"][0] == row["id"]]
            assert Identifier.odoo("stock.picking", row["id"]) in delivery.identifiers
            assert len(delivery.lines) == len(mine) > 0
            assert delivery.status == {
                "done": "completed",
                "cancel": "abandoned",
            }.get(row["state"], "in-progress")
            assert delivery.destination is not None
            assert delivery.destination.display == row["location_dest_id"][1]
            if row["purchase_id"]:
                assert delivery.based_on[0].identifier == Identifier.odoo(
                    "purchase.order", row["purchase_id"][0]
                )
            assert delivery.type is not None
            assert "Receipts" in (delivery.type.codings[0].display or "")

    def test_the_quantity_is_what_was_done_or_else_the_demand(self, rows: Rows) -> None:
        move = next(m for m in rows("stock.move") if m["picking_id"])
        picking = next(r for r in rows("stock.picking") if r["id"] == move["picking_id"][0])
        pending = {**move, "quantity": 0.0, "product_uom_qty": 12.0}
        done = {**move, "quantity": 7.0, "product_uom_qty": 12.0}
        for line, expected in ((pending, Decimal("12.0")), (done, Decimal("7.0"))):
            delivery = odoo_to_supply_delivery(picking, related=OdooRelated(lines=[line]))
            [only] = delivery.lines
            assert only.quantity is not None
            assert only.quantity.value == expected
            assert only.quantity.unit == move["product_uom"][1]

    def test_each_line_alone_validates_as_a_fhir_r4_supply_delivery(
        self, receipts: list[dict[str, Any]], rows: Rows, related: OdooRelated
    ) -> None:
        moves = replace(related, lines=rows("stock.move"))
        for row in receipts:
            delivery = odoo_to_supply_delivery(row, related=moves)
            # FHIR R4 SupplyDelivery holds one supplied item: one resource per line.
            for line in delivery.lines:
                single = delivery.model_copy(update={"lines": (line,)})
                assert _valid_fhir(single)["resourceType"] == "SupplyDelivery"

    def test_a_picking_in_a_state_the_mapping_does_not_know_is_refused(
        self, receipts: list[dict[str, Any]]
    ) -> None:
        with pytest.raises(OdooMappingError) as caught:
            odoo_to_supply_delivery({**receipts[0], "state": "teleported"})
        assert caught.value.details["field"] == "state"
