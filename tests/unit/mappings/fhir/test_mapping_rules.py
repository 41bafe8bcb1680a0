"""The rules the FHIR mappings follow, one behaviour per test, on small hand-written resources."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from healthbridge.canonical.objects import (
    GTIN_SYSTEM,
    Address,
    Concept,
    Identifier,
    Invoice,
    InvoiceLine,
    Money,
    Organization,
    Patient,
    Product,
    Quantity,
    Reference,
    StockLevel,
    SupplyOrder,
    SupplyOrderLine,
)
from healthbridge.mappings.fhir import (
    MappingError,
    canonical_from_fhir,
    canonical_to_fhir,
    fhir_to_coverage,
    fhir_to_invoice,
    fhir_to_organization,
    fhir_to_patient,
    fhir_to_product,
    invoice_to_fhir,
    organization_to_fhir,
    patient_to_fhir,
    product_to_fhir,
    supply_order_to_fhir,
)


def _refusal(reader: Any, resource: Any) -> MappingError:
    with pytest.raises(MappingError) as caught:
        reader(resource)
    return caught.value


def test_the_logical_id_becomes_the_last_identifier_and_comes_back_as_id() -> None:
    resource = {
        "resourceType": "Patient",
        "id": "pat-1",
        "identifier": [{"system": "urn:example:mrn", "value": "M1"}],
    }
    patient = fhir_to_patient(resource)
    assert patient.identifiers[-1] == Identifier(
        system="urn:healthbridge:fhir:Patient", value="pat-1"
    )
    assert patient_to_fhir(patient) == resource


def test_a_date_of_death_reads_as_deceased_and_both_forms_at_once_are_refused() -> None:
    patient = fhir_to_patient({"resourceType": "Patient", "deceasedDateTime": "2020-01-02"})
    assert patient.deceased is True
    assert patient.deceased_at == date(2020, 1, 2)
    error = _refusal(
        fhir_to_patient,
        {"resourceType": "Patient", "deceasedBoolean": True, "deceasedDateTime": "2020-01-02"},
    )
    assert error.path == "Patient.deceased[x]"


def test_an_error_names_the_fhir_path_and_never_the_value() -> None:
    resource = {"resourceType": "Patient", "name": [{"given": ["Ann", 42]}]}
    error = _refusal(fhir_to_patient, resource)
    assert str(error) == "Patient.name[0].given[1]: must be a non-empty string"
    assert error.code == "mapping.invalid_input"
    assert error.to_dict()["details"] == {"path": error.path, "reason": error.reason}


def test_codes_outside_the_required_value_set_are_refused() -> None:
    error = _refusal(fhir_to_patient, {"resourceType": "Patient", "gender": "F"})
    assert error.path == "Patient.gender"
    assert "F" not in error.reason


def test_reduced_precision_dates_and_naive_times_are_refused_with_the_reason() -> None:
    error = _refusal(fhir_to_patient, {"resourceType": "Patient", "birthDate": "1974-12"})
    assert error.path == "Patient.birthDate"
    assert "reduced-precision" in error.reason
    naive = {"resourceType": "Patient", "deceasedDateTime": "2020-01-02T10:00:00"}
    assert _refusal(fhir_to_patient, naive).path == "Patient.deceasedDateTime"


def test_a_modifier_extension_anywhere_read_is_refused() -> None:
    resource = {
        "resourceType": "Patient",
        "name": [{"family": "X", "modifierExtension": [{"url": "urn:x", "valueBoolean": True}]}],
    }
    assert _refusal(fhir_to_patient, resource).path == "Patient.name[0].modifierExtension"


def test_money_without_currency_is_refused() -> None:
    resource = {
        "resourceType": "Invoice",
        "status": "issued",
        "totalNet": {"value": 40},
    }
    assert _refusal(fhir_to_invoice, resource).path == "Invoice.totalNet.currency"


def test_required_elements_are_required() -> None:
    coverage = {"resourceType": "Coverage", "status": "active", "beneficiary": {"display": "A"}}
    assert _refusal(fhir_to_coverage, coverage).path == "Coverage.payor"


def test_anything_but_the_expected_resource_type_is_refused() -> None:
    assert _refusal(fhir_to_patient, {"resourceType": "Person"}).path == "Patient.resourceType"
    assert _refusal(fhir_to_patient, ["Patient"]).path == "Patient"


def test_decimals_keep_how_they_were_written() -> None:
    resource = {
        "resourceType": "Invoice",
        "status": "issued",
        "totalNet": {"value": 40, "currency": "EUR"},
        "totalGross": {"value": 48.10, "currency": "EUR"},
    }
    invoice = fhir_to_invoice(resource)
    assert invoice.total_net == Money(amount=Decimal("40"), currency="EUR")
    assert invoice.total_gross == Money(amount=Decimal("48.1"), currency="EUR")
    assert invoice_to_fhir(invoice) == resource


def test_instants_keep_their_offset_and_only_the_fraction_they_need() -> None:
    offset = timezone(timedelta(hours=-5))
    patient = Patient(
        deceased=True, deceased_at=datetime(2020, 1, 2, 3, 4, 5, 120000, tzinfo=offset)
    )
    assert patient_to_fhir(patient)["deceasedDateTime"] == "2020-01-02T03:04:05.12-05:00"
    whole = Patient(deceased=True, deceased_at=datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert patient_to_fhir(whole)["deceasedDateTime"] == "2020-01-02T03:04:05+00:00"


def test_organization_roles_come_from_type_codes_and_are_written_when_no_code_says_them() -> None:
    insurer = {
        "resourceType": "Organization",
        "type": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                        "code": "ins",
                    }
                ]
            }
        ],
    }
    assert fhir_to_organization(insurer).roles == ("payer",)
    assert organization_to_fhir(fhir_to_organization(insurer)) == insurer
    supplier = Organization(roles=("supplier",))
    written = organization_to_fhir(supplier)
    assert written["type"] == [
        {"coding": [{"system": "urn:healthbridge:organization-role", "code": "supplier"}]}
    ]
    assert fhir_to_organization(written) == supplier


def test_a_device_gives_a_supply_with_its_lot_and_a_bad_gtin_is_refused() -> None:
    device = {
        "resourceType": "Device",
        "identifier": [{"system": GTIN_SYSTEM, "value": "4006381333931"}],
        "lotNumber": "L1",
        "expirationDate": "2027-01-01",
        "patient": {"reference": "Patient/1"},
    }
    product = fhir_to_product(device)
    assert product.kind == "supply"
    assert product.gtin == "4006381333931"
    assert product.lot is not None
    assert (product.lot.lot_number, product.lot.expiry) == ("L1", date(2027, 1, 1))
    assert "patient" not in product_to_fhir(product)
    device["identifier"] = [{"system": GTIN_SYSTEM, "value": "4006381333932"}]
    error = _refusal(fhir_to_product, device)
    assert error.path == "Device.identifier[0]"
    assert "check digit" in error.reason


def test_a_service_has_no_device_form_and_a_stock_level_no_fhir_form() -> None:
    with pytest.raises(MappingError, match="only a supply"):
        product_to_fhir(Product(kind="service"))
    level = StockLevel(
        product=Reference(display="p"),
        location=Reference(display="l"),
        quantity=Quantity(value=Decimal(1)),
    )
    with pytest.raises(MappingError, match="no FHIR form"):
        canonical_to_fhir(level)


def test_a_supply_request_carries_exactly_one_order_line() -> None:
    line = SupplyOrderLine(product_code=Concept(text="gloves"), quantity=Quantity(value=Decimal(2)))
    with pytest.raises(MappingError, match="exactly one line"):
        supply_order_to_fhir(SupplyOrder(status="active", lines=(line, line)))
    assert supply_order_to_fhir(SupplyOrder(status="active", lines=(line,)))["quantity"] == {
        "value": 2
    }


def test_an_invoice_line_with_only_a_description_bills_it_as_text() -> None:
    invoice = Invoice(status="draft", lines=(InvoiceLine(description="Dressing change"),))
    assert invoice_to_fhir(invoice)["lineItem"] == [
        {"chargeItemCodeableConcept": {"text": "Dressing change"}}
    ]
    with pytest.raises(MappingError, match=r"lineItem\[0\]"):
        invoice_to_fhir(Invoice(status="draft", lines=(InvoiceLine(),)))


def test_empty_values_are_neither_written_nor_read_back() -> None:
    patient = Patient(addresses=(Address(),), gender="other")
    assert patient_to_fhir(patient) == {"resourceType": "Patient", "gender": "other"}
    only_extension = {
        "resourceType": "Patient",
        "address": [{"extension": [{"url": "urn:x", "valueString": "unknown"}]}],
    }
    assert fhir_to_patient(only_extension).addresses == ()


def test_the_odoo_bound_path_names_the_bundle_entry_at_fault() -> None:
    bundle = {
        "resourceType": "Bundle",
        "entry": [
            {"resource": {"resourceType": "Observation", "status": "final"}},
            {"resource": {"resourceType": "Patient", "gender": "yes"}},
        ],
    }
    with pytest.raises(MappingError) as caught:
        canonical_from_fhir(bundle)
    assert caught.value.path == "Bundle.entry[1].resource.gender"


def test_the_odoo_bound_path_maps_what_it_can_and_reports_the_rest() -> None:
    bundle = {
        "resourceType": "Bundle",
        "entry": [
            {"resource": {"resourceType": "Observation", "status": "final"}},
            {"resource": {"resourceType": "AuditEvent"}},
            {"resource": {"resourceType": "Patient", "gender": "female"}},
        ],
    }
    result = canonical_from_fhir(bundle)
    assert result.objects == (Patient(gender="female"),)
    assert result.mapped[0].path == "Bundle.entry[2].resource"
    assert result.clinical_dropped == ("Bundle.entry[0].resource",)
    assert result.unmapped == ("Bundle.entry[1].resource",)
