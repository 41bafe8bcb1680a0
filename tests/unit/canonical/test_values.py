"""The rules canonical values enforce on construction: identifiers, money, time, choices."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from healthbridge.canonical.objects import (
    GS1_UDI_ISSUER,
    GTIN_SYSTEM,
    Concept,
    CostToBeneficiary,
    Coverage,
    Identifier,
    InvoiceLine,
    Money,
    Organization,
    Patient,
    Period,
    Product,
    Quantity,
    Reference,
    SupplyOrder,
    SupplyOrderLine,
    UdiCarrier,
    gtin_check_digit,
    is_valid_gtin,
    odoo_system,
)


@pytest.mark.parametrize(
    "gtin", ["4006381333931", "5901234123457", "036000291452", "96385074", "05901234123457"]
)
def test_real_gtins_of_every_length_pass_the_check_digit(gtin: str) -> None:
    assert is_valid_gtin(gtin)


@pytest.mark.parametrize(
    "gtin",
    ["4006381333932", "400638133393", "40063813339311", "4006381333a31", "", "٤٠٠٦٣٨١٣٣٣٩٣١"],
)
def test_wrong_digits_lengths_and_non_ascii_digits_fail(gtin: str) -> None:
    assert not is_valid_gtin(gtin)


def test_the_check_digit_is_the_gs1_mod_10() -> None:
    assert gtin_check_digit("400638133393") == 1
    assert gtin_check_digit("0000000") == 0


def test_a_gtin_identifier_with_a_wrong_check_digit_is_refused() -> None:
    with pytest.raises(ValidationError, match="check digit"):
        Identifier(system=GTIN_SYSTEM, value="4006381333932")
    assert Identifier(system="urn:example:sku", value="4006381333932").value


def test_a_gs1_udi_device_identifier_must_be_a_gtin_but_other_issuers_are_free() -> None:
    with pytest.raises(ValidationError, match="UDI-DI"):
        UdiCarrier(device_identifier="15425626744874", issuer=GS1_UDI_ISSUER)
    assert UdiCarrier(device_identifier="15425626744874").device_identifier


def test_a_products_gtin_comes_from_its_identifier_or_its_gs1_udi() -> None:
    by_identifier = Product(identifiers=(Identifier(system=GTIN_SYSTEM, value="96385074"),))
    by_udi = Product(
        udi_carriers=(UdiCarrier(device_identifier="05901234123457", issuer=GS1_UDI_ISSUER),)
    )
    assert by_identifier.gtin == "96385074"
    assert by_udi.gtin == by_udi.udi_di == "05901234123457"
    assert Product(kind="service").gtin is None


def test_the_odoo_record_identifier_names_the_model() -> None:
    assert Identifier.odoo("res.partner", 7) == Identifier(
        system="urn:healthbridge:odoo:res.partner", value="7"
    )
    assert odoo_system("stock.lot") == "urn:healthbridge:odoo:stock.lot"


def test_money_is_an_exact_decimal_with_an_iso_currency() -> None:
    money = Money(amount=Decimal("0.10"), currency="EUR")
    assert money.amount + money.amount + money.amount == Decimal("0.30")
    for currency in ("eur", "EURO", "€"):
        with pytest.raises(ValidationError):
            Money(amount=Decimal(1), currency=currency)


def test_a_period_cannot_end_before_it_starts_but_may_be_open() -> None:
    with pytest.raises(ValidationError, match="end before"):
        Period(start=date(2025, 2, 1), end=date(2025, 1, 1))
    assert Period(start=date(2025, 1, 1), end=datetime(2025, 1, 1, 8, tzinfo=UTC))
    assert Period(end=date(2025, 1, 1)).start is None


def test_instants_must_carry_their_offset() -> None:
    with pytest.raises(ValidationError):
        Patient(deceased=True, deceased_at=datetime(2025, 1, 1, 8, 30))


def test_a_date_of_death_needs_the_patient_to_be_deceased() -> None:
    with pytest.raises(ValidationError, match="deceased"):
        Patient(deceased=False, deceased_at=date(2020, 1, 1))
    assert Patient(deceased=True, deceased_at=date(2020, 1, 1)).deceased


def test_organization_roles_are_kept_sorted_and_unique() -> None:
    assert Organization(roles=("supplier", "payer", "supplier")).roles == ("payer", "supplier")


def test_a_supply_order_needs_a_line_and_each_line_an_item() -> None:
    with pytest.raises(ValidationError):
        SupplyOrder(status="draft", lines=())
    with pytest.raises(ValidationError, match="product"):
        SupplyOrderLine(quantity=Quantity(value=Decimal(1)))


def test_an_invoice_line_bills_a_charge_item_or_a_code_not_both() -> None:
    with pytest.raises(ValidationError, match="not both"):
        InvoiceLine(charge_item=Reference(reference="ChargeItem/1"), code=Concept(text="visit"))


def test_a_coverage_needs_a_payor_and_a_cost_share_one_value() -> None:
    with pytest.raises(ValidationError):
        Coverage(status="active", beneficiary=Reference(reference="Patient/1"), payors=())
    with pytest.raises(ValidationError, match="amount or a quantity"):
        CostToBeneficiary()
