"""The fixed canonical inputs of each mapping's golden examples (written here, not copied).

Recorded by ``python -m tests.unit.mappings.fhir.golden_record`` into
``golden/<mapping>@<version>.json``; see ``test_golden.py`` for the rule they enforce.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from healthbridge.canonical.objects import (
    GS1_UDI_ISSUER,
    GTIN_SYSTEM,
    Address,
    Charge,
    ChargePerformer,
    Coding,
    Concept,
    ContactPoint,
    CostException,
    CostToBeneficiary,
    Coverage,
    CoverageClass,
    HumanName,
    Identifier,
    Invoice,
    InvoiceLine,
    InvoiceParticipant,
    Location,
    Lot,
    Money,
    Organization,
    OrganizationContact,
    Patient,
    Payment,
    PaymentAllocation,
    PaymentNote,
    Period,
    Position,
    Practitioner,
    PriceComponent,
    Product,
    ProductName,
    Quantity,
    Reference,
    SupplyDelivery,
    SupplyDeliveryLine,
    SupplyOrder,
    SupplyOrderLine,
    UdiCarrier,
    fhir_id_system,
)
from healthbridge.mappings.fhir import (
    FHIR_READERS,
    charge_to_fhir,
    coverage_to_fhir,
    invoice_to_fhir,
    location_to_fhir,
    organization_to_fhir,
    patient_to_fhir,
    payment_to_fhir,
    practitioner_to_fhir,
    product_to_fhir,
    supply_delivery_to_fhir,
    supply_order_to_fhir,
)

CET = timezone(timedelta(hours=1))
EUR = "EUR"
ODOO_PARTNER = Identifier.odoo("res.partner", 42)
CLINIC = Reference(
    reference="Organization/clinic-1", identifier=ODOO_PARTNER, display="Rivendell Clinic"
)
PATIENT_REF = Reference(reference="Patient/p-1", type="Patient")
NURSE = Reference(identifier=Identifier(system="urn:oid:2.16.840.1.113883.2.4.6.3", value="77"))
CODE = Concept(codings=(Coding(system="urn:example:tariff", code="A-1", display="Visit"),))
MR = Concept(
    codings=(Coding(system="http://terminology.hl7.org/CodeSystem/v2-0203", code="MR"),),
    text="Medical record number",
)


def _eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency=EUR)


def _organizations() -> list[tuple[str, BaseModel]]:
    payer = Organization(
        identifiers=(Identifier(system="urn:example:payer-id", value="PAY-9"), ODOO_PARTNER),
        active=True,
        roles=("payer", "supplier"),
        types=(
            Concept(
                codings=(
                    Coding(
                        system="http://terminology.hl7.org/CodeSystem/organization-type",
                        code="ins",
                        display="Insurance Company",
                    ),
                )
            ),
        ),
        name="Shire Mutual",
        aliases=("SM",),
        telecom=(ContactPoint(system="phone", value="+31 20 555 0101", use="work", rank=1),),
        addresses=(Address(use="work", lines=("1 Bag End",), city="Hobbiton", country="NL"),),
        contacts=(
            OrganizationContact(
                purpose=Concept(text="Billing"),
                name=HumanName(family="Baggins", given=("Bilbo",)),
                telecom=(ContactPoint(system="email", value="billing@example.org"),),
            ),
        ),
    )
    bare = Organization(name="Minimal Lab", roles=("lab",))
    return [("payer with roles and contacts", payer), ("roles only", bare)]


def _patients() -> list[tuple[str, BaseModel]]:
    full = Patient(
        identifiers=(
            Identifier(system="urn:example:mrn", value="MRN-0001", use="official", type=MR),
            Identifier(system=fhir_id_system("Patient"), value="p-1"),
        ),
        active=True,
        names=(HumanName(use="official", family="Took", given=("Peregrin",), prefix=("Mr",)),),
        telecom=(ContactPoint(system="phone", value="+31 6 000 0000", use="mobile"),),
        gender="male",
        birth_date=date(1990, 3, 14),
        deceased=True,
        deceased_at=datetime(2024, 5, 1, 13, 45, 0, 250000, tzinfo=CET),
        addresses=(
            Address(use="home", type="both", lines=("Great Smials",), postal_code="1234 AB"),
        ),
        marital_status=Concept(
            codings=(
                Coding(system="http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", code="S"),
            )
        ),
        managing_organization=CLINIC,
        general_practitioners=(Reference(reference="Practitioner/gp-7", display="Dr. Oak"),),
    )
    alive = Patient(names=(HumanName(text="Rosie Cotton"),), gender="female", deceased=False)
    return [("every field", full), ("deceased flag only", alive)]


def _practitioners() -> list[tuple[str, BaseModel]]:
    doctor = Practitioner(
        identifiers=(
            Identifier(system="http://hl7.org/fhir/sid/us-npi", value="9941339108"),
            Identifier.odoo("hr.employee", 5),
        ),
        active=True,
        names=(HumanName(family="Elrond", prefix=("Dr.",)),),
        telecom=(ContactPoint(system="email", value="elrond@example.org", use="work"),),
        addresses=(Address(city="Rivendell"),),
        gender="other",
        birth_date=date(1961, 1, 2),
    )
    return [("staff member", doctor)]


def _locations() -> list[tuple[str, BaseModel]]:
    ward = Location(
        identifiers=(Identifier.odoo("stock.location", 8),),
        status="active",
        operational_status=Coding(
            system="http://terminology.hl7.org/CodeSystem/v2-0116", code="O", display="Occupied"
        ),
        name="Ward 3 store",
        aliases=("W3",),
        description="Supply room of ward 3",
        mode="instance",
        types=(Concept(text="Store room"),),
        telecom=(ContactPoint(system="phone", value="2203"),),
        address=Address(lines=("Ward 3",), city="Hobbiton"),
        physical_type=Concept(
            codings=(
                Coding(
                    system="http://terminology.hl7.org/CodeSystem/location-physical-type",
                    code="ro",
                ),
            )
        ),
        position=Position(
            longitude=Decimal("4.895168"), latitude=Decimal("52.370216"), altitude=Decimal("0")
        ),
        managing_organization=CLINIC,
        part_of=Reference(reference="Location/site-1"),
    )
    return [("stock location", ward)]


def _products() -> list[tuple[str, BaseModel]]:
    catheter = Product(
        identifiers=(
            Identifier(system=GTIN_SYSTEM, value="4006381333931"),
            Identifier.odoo("product.product", 11),
        ),
        kind="supply",
        status="active",
        names=(ProductName(name="Catheter 14G", type="user-friendly-name"),),
        code=CODE,
        udi_carriers=(
            UdiCarrier(
                device_identifier="05901234123457",
                issuer=GS1_UDI_ISSUER,
                jurisdiction="http://hl7.org/fhir/NamingSystem/eu-ec-udi",
                carrier_hrf="(01)05901234123457(17)270101(10)LOT-7",
                entry_type="barcode",
            ),
        ),
        manufacturer="Gondor Medical",
        model_number="C-14",
        part_number="P-14-B",
        lot=Lot(
            lot_number="LOT-7",
            serial_number="SN-1",
            expiry=date(2027, 1, 1),
            manufactured=datetime(2024, 1, 1, 8, 0, tzinfo=UTC),
        ),
        uom="Units",
        list_price=_eur("3.50"),
    )
    return [("supply with GTIN, UDI and lot (uom and price have no Device place)", catheter)]


def _supply_orders() -> list[tuple[str, BaseModel]]:
    order = SupplyOrder(
        identifiers=(Identifier.odoo("purchase.order", 3),),
        status="active",
        category=Concept(text="Ward stock"),
        priority="routine",
        lines=(
            SupplyOrderLine(
                product_code=CODE,
                quantity=Quantity(
                    value=Decimal("10"),
                    unit="Units",
                    system="http://unitsofmeasure.org",
                    code="{unit}",
                ),
                unit_price=_eur("2.00"),
            ),
        ),
        occurrence_period=Period(start=date(2025, 1, 1), end=date(2025, 1, 31)),
        authored_on=datetime(2024, 12, 20, 9, 30, tzinfo=CET),
        requester=NURSE,
        suppliers=(CLINIC,),
        deliver_to=Reference(reference="Location/ward-3"),
    )
    by_reference = SupplyOrder(
        status="draft",
        lines=(
            SupplyOrderLine(
                product=Reference(reference="Device/d-1"), quantity=Quantity(value=Decimal("1.5"))
            ),
        ),
        occurrence=date(2025, 2, 1),
    )
    return [("coded item over a period", order), ("referenced item on a day", by_reference)]


def _supply_deliveries() -> list[tuple[str, BaseModel]]:
    delivery = SupplyDelivery(
        identifiers=(Identifier.odoo("stock.picking", 12),),
        based_on=(Reference(reference="SupplyRequest/sr-1"),),
        part_of=(Reference(display="Restock round"),),
        status="completed",
        type=Concept(text="Device"),
        lines=(SupplyDeliveryLine(product_code=CODE, quantity=Quantity(value=Decimal("10"))),),
        occurrence=datetime(2025, 1, 3, 10, 0, tzinfo=CET),
        supplier=CLINIC,
        destination=Reference(reference="Location/ward-3"),
        receivers=(NURSE,),
    )
    return [("one line delivered", delivery)]


def _invoices() -> list[tuple[str, BaseModel]]:
    invoice = Invoice(
        identifiers=(Identifier(system="urn:example:invoice", value="INV/2025/0001"),),
        status="issued",
        type=Concept(text="Patient invoice"),
        subject=PATIENT_REF,
        recipient=CLINIC,
        date=date(2025, 1, 10),
        participants=(InvoiceParticipant(role=Concept(text="Cardiologist"), actor=NURSE),),
        issuer=CLINIC,
        account=Reference(reference="Account/acc-1"),
        lines=(
            InvoiceLine(
                sequence=1,
                code=CODE,
                price_components=(
                    PriceComponent(type="base", factor=Decimal("2"), amount=_eur("80.00")),
                    PriceComponent(type="tax", code=Concept(text="VAT 21%"), amount=_eur("16.80")),
                ),
                quantity=Quantity(value=Decimal("2")),
                unit_price=_eur("40.00"),
            ),
            InvoiceLine(sequence=2, charge_item=Reference(reference="ChargeItem/ci-1")),
            InvoiceLine(description="Handling fee"),
        ),
        total_price_components=(PriceComponent(type="discount", amount=_eur("-5")),),
        total_net=_eur("80.00"),
        total_gross=_eur("96.80"),
        payment_terms="30 days net",
    )
    return [("lines by code, by charge item and by description", invoice)]


def _charges() -> list[tuple[str, BaseModel]]:
    charge = Charge(
        identifiers=(Identifier(system="urn:example:charges", value="C-1"),),
        definition_uris=("urn:example:tariff:A-1",),
        status="billable",
        code=CODE,
        subject=PATIENT_REF,
        context=Reference(reference="Encounter/e-1"),
        occurrence_period=Period(
            start=datetime(2025, 1, 2, 8, 0, tzinfo=CET), end=datetime(2025, 1, 2, 9, 0, tzinfo=CET)
        ),
        performers=(ChargePerformer(function=Concept(text="Nurse"), actor=NURSE),),
        performing_organization=CLINIC,
        cost_center=Reference(display="Cardiology"),
        quantity=Quantity(value=Decimal("1")),
        factor_override=Decimal("0.8"),
        price_override=_eur("40"),
        override_reason="Loyalty discount",
        enterer=NURSE,
        entered_date=datetime(2025, 1, 2, 9, 5, tzinfo=CET),
        accounts=(Reference(reference="Account/acc-1"),),
        product_code=CODE,
    )
    return [("billable charge", charge)]


def _coverages() -> list[tuple[str, BaseModel]]:
    coverage = Coverage(
        identifiers=(Identifier(system="urn:example:member", value="M-123"),),
        status="active",
        type=Concept(text="Health insurance"),
        policy_holder=PATIENT_REF,
        subscriber=PATIENT_REF,
        subscriber_id="SUB-9",
        beneficiary=PATIENT_REF,
        dependent="0",
        relationship=Concept(codings=(Coding(code="self"),)),
        period=Period(start=date(2025, 1, 1)),
        payors=(CLINIC,),
        classes=(CoverageClass(type=Concept(text="plan"), value="GOLD", name="Gold plan"),),
        order=1,
        network="5",
        costs=(
            CostToBeneficiary(
                type=Concept(text="gpvisit"),
                amount=_eur("20.00"),
                exceptions=(
                    CostException(
                        type=Concept(text="retired"), period=Period(end=date(2025, 12, 31))
                    ),
                ),
            ),
            CostToBeneficiary(quantity=Quantity(value=Decimal("10"), unit="%")),
        ),
        subrogation=False,
        contracts=(Reference(reference="Contract/c-1"),),
    )
    return [("member coverage", coverage)]


def _payments() -> list[tuple[str, BaseModel]]:
    payment = Payment(
        identifiers=(Identifier.odoo("account.payment", 77),),
        status="active",
        direction="inbound",
        period=Period(start=date(2025, 1, 1), end=date(2025, 1, 31)),
        created=datetime(2025, 2, 1, 12, 0, tzinfo=UTC),
        payment_issuer=CLINIC,
        outcome="complete",
        disposition="January settlement",
        payment_date=date(2025, 2, 2),
        amount=_eur("7000.00"),
        payment_identifier=Identifier(system="urn:example:payments", value="PAY-1"),
        allocations=(
            PaymentAllocation(
                identifier=Identifier(value="PAY-1-001"),
                type=Concept(
                    codings=(
                        Coding(
                            system="http://terminology.hl7.org/CodeSystem/payment-type",
                            code="payment",
                        ),
                    )
                ),
                request=Reference(reference="Invoice/inv-1"),
                date=date(2025, 2, 2),
                payee=CLINIC,
                amount=_eur("7000.00"),
            ),
        ),
        form_code=Concept(text="Remittance"),
        process_notes=(PaymentNote(type="display", text="Thank you"),),
    )
    return [("remittance with one allocation (direction has no FHIR place)", payment)]


GOLDEN_CASES: dict[str, tuple[Callable[[], list[tuple[str, BaseModel]]], Any, str]] = {
    "charge_item": (_charges, charge_to_fhir, "ChargeItem"),
    "coverage": (_coverages, coverage_to_fhir, "Coverage"),
    "device": (_products, product_to_fhir, "Device"),
    "invoice": (_invoices, invoice_to_fhir, "Invoice"),
    "location": (_locations, location_to_fhir, "Location"),
    "organization": (_organizations, organization_to_fhir, "Organization"),
    "patient": (_patients, patient_to_fhir, "Patient"),
    "payment_reconciliation": (_payments, payment_to_fhir, "PaymentReconciliation"),
    "practitioner": (_practitioners, practitioner_to_fhir, "Practitioner"),
    "supply_delivery": (_supply_deliveries, supply_delivery_to_fhir, "SupplyDelivery"),
    "supply_request": (_supply_orders, supply_order_to_fhir, "SupplyRequest"),
}
"""Mapping name -> (canonical inputs, writer, FHIR resource type of the reader)."""


def run_case(mapping: str, canonical: BaseModel) -> tuple[dict[str, Any], BaseModel]:
    """The mapping's FHIR output for ``canonical``, and the canonical object read back."""
    _, writer, resource_type = GOLDEN_CASES[mapping]
    fhir = writer(canonical)
    return fhir, FHIR_READERS[resource_type](fhir)
