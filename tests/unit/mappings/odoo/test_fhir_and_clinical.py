"""Mapped Odoo rows have valid FHIR R4 forms, and Odoo-bound vals stay administrative."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from healthbridge.canonical import (
    Address,
    Coding,
    Concept,
    ContactPoint,
    HumanName,
    Identifier,
    Patient,
    Reference,
)
from healthbridge.mappings.fhir import MappingError, canonical_to_fhir
from healthbridge.mappings.odoo import (
    FIELDS,
    is_patient,
    odoo_to_invoice,
    odoo_to_location,
    odoo_to_organization,
    odoo_to_patient,
    odoo_to_payment,
    odoo_to_practitioner,
    odoo_to_product,
    odoo_to_supply_order,
    patient_to_odoo_vals,
)
from healthbridge.mappings.odoo.related import OdooRelated
from tests.unit.mappings.odoo.conftest import Rows

SPOT = 5


def _valid_fhir(obj: Any) -> dict[str, Any]:
    resource = canonical_to_fhir(obj)
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


def _spread(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    step = max(1, len(items) // SPOT)
    return items[::step][:SPOT] + items[-1:]


def test_partners_products_locations_and_employees_validate_as_fhir_r4(
    rows: Rows, related: OdooRelated
) -> None:
    patients = [r for r in rows("res.partner") if is_patient(r, related)]
    others = [r for r in rows("res.partner") if not is_patient(r, related)]
    for row in _spread(patients):
        resource = _valid_fhir(odoo_to_patient(row, related=related))
        assert resource["resourceType"] == "Patient"
    for row in _spread(others):
        assert _valid_fhir(odoo_to_organization(row, related=related))["name"] == row["name"]
    supplies = [r for r in rows("product.product") if r["type"] == "consu"]
    for row in _spread(supplies):
        assert _valid_fhir(odoo_to_product(row, related=related))["resourceType"] == "Device"
    for row in _spread(rows("stock.location")):
        assert _valid_fhir(odoo_to_location(row))["resourceType"] == "Location"
    for row in _spread(rows("hr.employee")):
        assert _valid_fhir(odoo_to_practitioner(row))["resourceType"] == "Practitioner"


def test_a_service_product_maps_but_has_no_fhir_device_form(
    rows: Rows, related: OdooRelated
) -> None:
    service = next(r for r in rows("product.product") if r["type"] == "service")
    product = odoo_to_product(service, related=related)
    assert product.kind == "service"
    with pytest.raises(MappingError):
        canonical_to_fhir(product)


def test_orders_invoices_and_payments_validate_as_fhir_r4(rows: Rows, related: OdooRelated) -> None:
    purchase = replace(related, lines=rows("purchase.order.line"))
    for row in _spread(rows("purchase.order")):
        order = odoo_to_supply_order(row, related=purchase)
        # The FHIR SupplyRequest writer takes one line per request: one request per line.
        for line in order.lines:
            single = order.model_copy(update={"lines": (line,)})
            assert _valid_fhir(single)["resourceType"] == "SupplyRequest"
    moves = replace(related, lines=rows("account.move.line"))
    for row in _spread(rows("account.move")):
        assert _valid_fhir(odoo_to_invoice(row, related=moves))["resourceType"] == "Invoice"
    for row in _spread(rows("account.payment")):
        resource = _valid_fhir(odoo_to_payment(row))
        assert resource["resourceType"] == "PaymentReconciliation"


ADMINISTRATIVE = {
    "is_company",
    "name",
    "ref",
    "active",
    "street",
    "street2",
    "zip",
    "city",
    "email",
    "phone",
    "website",
    "category_id",
    "vat",
    "company_registry",
    "barcode",
}


def test_a_fully_filled_patient_produces_vals_with_administrative_fields_only() -> None:
    patient = Patient(
        identifiers=(
            Identifier(
                system="urn:oid:1.2.36.146.595.217.0.1",
                value="MRN-12345",
                type=Concept(
                    codings=(
                        Coding(system="http://terminology.hl7.org/CodeSystem/v2-0203", code="MR"),
                    )
                ),
            ),
        ),
        active=True,
        names=(HumanName(family="Chalmers", given=("Peter", "James"), prefix=("Mr",)),),
        telecom=(ContactPoint(system="email", value="p@example.com", use="home"),),
        gender="male",
        birth_date=date(1974, 12, 25),
        deceased=True,
        deceased_at=date(2020, 1, 1),
        addresses=(Address(lines=("534 Erewhon St", "Unit 2"), city="Brussels", country="BE"),),
        marital_status=Concept(text="married"),
        managing_organization=Reference(display="Ward 4"),
        general_practitioners=(Reference(display="Dr. Adam Careful"),),
    )
    vals = patient_to_odoo_vals(patient, related=OdooRelated(partner_tags={6: "Patient"}))
    assert set(vals) <= ADMINISTRATIVE
    assert vals["ref"] == "MRN-12345"
    assert vals["name"] == "Mr Peter James Chalmers"
    assert vals["category_id"] == [(6, 0, [6])]
    text = repr(vals)
    for clinical in ("1974", "married", "Careful", "male", "2020"):
        assert clinical not in text


def test_the_fields_list_names_only_fields_the_sandbox_models_have(rows: Rows) -> None:
    for model, fields in FIELDS.items():
        row = rows(model)[0]
        assert set(fields) <= set(row), model


@pytest.mark.parametrize("model", sorted(FIELDS))
def test_every_model_in_the_fields_list_has_demo_rows(rows: Rows, model: str) -> None:
    assert rows(model)
