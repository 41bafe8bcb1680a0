"""Values validated once and shared (references, quantities, prices) map exactly as before."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from healthbridge.canonical.invoice import PriceComponent
from healthbridge.canonical.references import Reference
from healthbridge.mappings.odoo import OdooMappingError, OdooRelated, odoo_to_invoice
from healthbridge.mappings.odoo.wire import odoo_reference, odoo_reference_model


def _move(currency: Any = (1, "EUR")) -> dict[str, Any]:
    return {
        "id": 7,
        "state": "draft",
        "move_type": "out_invoice",
        "currency_id": list(currency),
        "partner_id": [56, "Arthur Goossens"],
        "company_id": [1, "Healthbridge Hospital Group"],
        "invoice_date": "2026-11-14",
    }


def _line(line_id: int, quantity: Any, price: Any) -> dict[str, Any]:
    return {
        "id": line_id,
        "move_id": [7, "INV/7"],
        "sequence": line_id,
        "display_type": "product",
        "product_id": [81, "Sterilization"],
        "name": "Sterilization",
        "quantity": quantity,
        "product_uom_id": [1, "Units"],
        "price_unit": price,
        "price_subtotal": price,
    }


def test_a_cached_reference_equals_the_reference_validated_from_its_dict() -> None:
    cached = odoo_reference_model("res.partner", 56, "Arthur Goossens", "Organization")
    fresh = Reference.model_validate(
        odoo_reference("res.partner", 56, "Arthur Goossens", "Organization")
    )
    assert cached == fresh
    assert cached.model_fields_set == fresh.model_fields_set


def test_quantities_and_prices_keep_how_the_number_was_written() -> None:
    lines = (_line(1, 1.0, 2.5), _line(2, 1, 2), _line(3, -0.0, 0.0))
    invoice = odoo_to_invoice(_move(), related=OdooRelated(lines=lines))
    quantities = [str(line.quantity.value) for line in invoice.lines if line.quantity]
    prices = [str(line.unit_price.amount) for line in invoice.lines if line.unit_price]
    assert quantities == ["1.0", "1", "-0.0"]
    assert prices == ["2.5", "2", "0.0"]
    assert all(line.quantity and line.quantity.unit == "Units" for line in invoice.lines)


def test_a_price_in_a_currency_that_is_not_a_code_is_refused_at_its_place() -> None:
    lines = ({**_line(1, 1.0, 2.5), "price_subtotal": False},)
    for _ in range(2):  # the second time comes from the cache: the same refusal
        with pytest.raises(OdooMappingError) as caught:
            odoo_to_invoice(_move((1, "euro")), related=OdooRelated(lines=lines))
        assert caught.value.field == "lines.0.unit_price.currency"
    valid = odoo_to_invoice(_move(), related=OdooRelated(lines=lines))
    assert valid.lines[0].unit_price is not None
    assert valid.lines[0].unit_price.amount == Decimal("2.5")


def test_a_subtotal_in_a_currency_that_is_not_a_code_is_refused_at_its_place() -> None:
    lines = ({**_line(1, 1.0, False), "price_subtotal": 2.5},)
    for _ in range(2):  # the second time comes from the cache: the same refusal
        with pytest.raises(OdooMappingError) as caught:
            odoo_to_invoice(_move((1, "euro")), related=OdooRelated(lines=lines))
        assert caught.value.field == "lines.0.price_components.0.amount.currency"


def test_a_total_in_a_currency_that_is_not_a_code_is_refused_at_its_place() -> None:
    move = {**_move((1, "euro")), "amount_untaxed": 2.5}
    for _ in range(2):
        with pytest.raises(OdooMappingError) as caught:
            odoo_to_invoice(move, related=OdooRelated(lines=()))
        assert caught.value.field == "total_net.currency"


def test_a_cached_subtotal_component_equals_the_one_validated_from_its_dict() -> None:
    lines = (_line(1, 2.0, 12.5),)
    invoice = odoo_to_invoice(_move(), related=OdooRelated(lines=lines))
    [component] = invoice.lines[0].price_components
    fresh = PriceComponent.model_validate(
        {"type": "base", "amount": {"amount": Decimal("12.5"), "currency": "EUR"}}
    )
    assert component == fresh
    assert component.model_fields_set == fresh.model_fields_set
    assert component.amount is not None
    assert fresh.amount is not None
    assert component.amount.model_fields_set == fresh.amount.model_fields_set
