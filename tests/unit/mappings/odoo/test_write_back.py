"""Purchase orders, invoices and payments: Odoo -> canonical -> vals -> create -> back again.

Every demo document is read from the real sandbox ORM (row, and lines through
``OdooRelated``), mapped to canonical, written back as create vals and read again. The
canonical object read back equals the original except for what Odoo, not the caller,
decides, listed here and nowhere hidden:
- the Odoo record identifier (the new record has a new id);
- the number (``name``: a sequence given on create for orders, on posting for invoices
  and payments), so its identifier (and a payment's ``payment_identifier``);
- the state: a new purchase order is an RFQ (``draft``), a new invoice or payment a
  draft; confirming, posting and paying are Odoo's workflow (so a payment's ``outcome``);
- amounts are computed by Odoo from the lines; they are compared, not written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import pytest

from healthbridge.canonical import odoo_system
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.invoice import Invoice, InvoiceLine
from healthbridge.canonical.orders import SupplyOrder, SupplyOrderLine
from healthbridge.canonical.payment import Payment
from healthbridge.mappings.odoo import (
    OdooMappingError,
    odoo_to_invoice,
    odoo_to_payment,
    odoo_to_supply_order,
)
from healthbridge.mappings.odoo.invoice_vals import invoice_to_odoo_vals, looks_clinical
from healthbridge.mappings.odoo.order_vals import supply_order_to_odoo_vals
from healthbridge.mappings.odoo.payment_vals import payment_to_odoo_vals
from healthbridge.mappings.odoo.related import OdooRelated
from healthbridge.mappings.odoo.systems import odoo_field_system
from healthbridge.sandbox.odoo.orm import Database
from tests.unit.mappings.odoo.conftest import ADMIN, Rows, read_rows

D = TypeVar("D", SupplyOrder, Invoice, Payment)
Writer = Callable[..., dict[str, Any]]
Reader = Callable[..., Any]

_NAMES = {
    "purchase.order": odoo_field_system("purchase.order", "name"),
    "account.move": odoo_field_system("account.move", "name"),
    "account.payment": odoo_field_system("account.payment", "name"),
}
_LINES = {"purchase.order": "purchase.order.line", "account.move": "account.move.line"}


@pytest.fixture(scope="module")
def scratch() -> Database:
    """A demo database of this module's own, written to by the round trips."""
    return Database()


@pytest.fixture(scope="module")
def currencies(scratch: Database) -> dict[str, int]:
    """ISO code -> ``res.currency`` id, as a caller reads it once."""
    rows = scratch.execute_kw(ADMIN, "res.currency", "search_read", [[]], {"fields": ["name"]})
    return {r["name"]: r["id"] for r in rows.value}


def _with_lines(related: OdooRelated, db: Database, model: str, record_id: int) -> OdooRelated:
    if model not in _LINES:
        return related
    parent = "order_id" if model == "purchase.order" else "move_id"
    lines = read_rows(db, _LINES[model], [[parent, "=", record_id]])
    return OdooRelated(
        partner_tags=related.partner_tags,
        uoms=related.uoms,
        company_currency=related.company_currency,
        lines=lines,
    )


def _read(db: Database, model: str, record_id: int, reader: Reader, related: OdooRelated) -> Any:
    row = read_rows(db, model, [["id", "=", record_id]])[0]
    return reader(row, related=_with_lines(related, db, model, record_id))


def _comparable(obj: D, model: str) -> D:
    """``obj`` without what Odoo decides: its id, its number, its state."""
    mine = (odoo_system(model), _NAMES[model])
    update: dict[str, Any] = {
        "identifiers": tuple(i for i in obj.identifiers if i.system not in mine),
        "status": "draft",
    }
    if isinstance(obj, Payment):
        update.update(payment_identifier=None, outcome=None)
    return obj.model_copy(update=update)


def _round_trip(
    model: str,
    reader: Reader,
    writer: Writer,
    rows: Rows,
    related: OdooRelated,
    scratch: Database,
    currencies: Mapping[str, int],
) -> int:
    compared = 0
    for row in rows(model):
        original = _read(scratch, model, row["id"], reader, related)
        vals = writer(original, related=related, currencies=currencies)
        new_id = scratch.execute_kw(ADMIN, model, "create", [vals], {}).value
        again = _read(scratch, model, new_id, reader, related)
        assert _comparable(again, model) == _comparable(original, model), row["id"]
        compared += 1
    return compared


def test_every_demo_purchase_order_survives_a_round_trip_through_odoo(
    rows: Rows, related: OdooRelated, scratch: Database, currencies: dict[str, int]
) -> None:
    compared = _round_trip(
        "purchase.order",
        odoo_to_supply_order,
        supply_order_to_odoo_vals,
        rows,
        related,
        scratch,
        currencies,
    )
    assert compared == len(rows("purchase.order")) > 0


def test_every_demo_invoice_and_bill_survives_a_round_trip_through_odoo(
    rows: Rows, related: OdooRelated, scratch: Database, currencies: dict[str, int]
) -> None:
    compared = _round_trip(
        "account.move", odoo_to_invoice, invoice_to_odoo_vals, rows, related, scratch, currencies
    )
    assert compared == len(rows("account.move")) > 0


def test_every_demo_payment_survives_a_round_trip_through_odoo(
    rows: Rows, related: OdooRelated, scratch: Database, currencies: dict[str, int]
) -> None:
    compared = _round_trip(
        "account.payment",
        odoo_to_payment,
        payment_to_odoo_vals,
        rows,
        related,
        scratch,
        currencies,
    )
    assert compared == len(rows("account.payment")) > 0


def _ref(model: str, record_id: int, display: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"identifier": {"system": odoo_system(model), "value": str(record_id)}}
    if display is not None:
        out["display"] = display
    return out


def _order(**changes: Any) -> SupplyOrder:
    data: dict[str, Any] = {
        "suppliers": (_ref("res.partner", 35),),
        "lines": (
            {
                "product": _ref("product.product", 37),
                "quantity": {"value": "5", "unit": "Units"},
                "unit_price": {"amount": "0.77", "currency": "EUR"},
            },
        ),
    }
    data.update(changes)
    return SupplyOrder.model_validate(data)


def _refusal(call: Callable[[], object]) -> OdooMappingError:
    with pytest.raises(OdooMappingError) as caught:
        call()
    return caught.value


def test_a_supply_order_without_an_odoo_supplier_is_refused_naming_the_field() -> None:
    error = _refusal(lambda: supply_order_to_odoo_vals(_order(suppliers=())))
    assert (error.model, error.field) == ("SupplyOrder", "suppliers")

    by_vat = {"identifier": {"system": "urn:vat", "value": "BE0123456789"}}
    error = _refusal(lambda: supply_order_to_odoo_vals(_order(suppliers=(by_vat,))))
    assert error.field == "suppliers"
    assert "BE0123456789" not in str(error)


def test_a_supply_order_line_without_an_odoo_product_is_refused_naming_the_line() -> None:
    line = SupplyOrderLine.model_validate(
        {"product_code": {"codings": ({"code": "GLV-NIT-M"},)}, "quantity": {"value": "1"}}
    )
    error = _refusal(lambda: supply_order_to_odoo_vals(_order(lines=(line,))))
    assert (error.model, error.field) == ("SupplyOrder", "lines[0].product")
    assert "GLV-NIT-M" not in str(error)


def test_an_amount_in_a_currency_odoo_does_not_know_is_refused(
    currencies: dict[str, int],
) -> None:
    line = {
        "product": _ref("product.product", 37),
        "quantity": {"value": "1"},
        "unit_price": {"amount": "3", "currency": "JPY"},
    }
    order = _order(lines=(line,))
    error = _refusal(lambda: supply_order_to_odoo_vals(order, currencies=currencies))
    assert error.field == "lines[0].unit_price.currency"

    payment = Payment.model_validate(
        {
            "status": "active",
            "direction": "inbound",
            "created": date(2026, 11, 1),
            "payment_date": date(2026, 11, 1),
            "payment_issuer": _ref("res.partner", 23),
            "amount": {"amount": "10", "currency": "JPY"},
        }
    )
    error = _refusal(lambda: payment_to_odoo_vals(payment, currencies=currencies))
    assert (error.model, error.field) == ("Payment", "amount.currency")


def test_the_company_currency_needs_no_currency_table_and_others_are_resolved(
    related: OdooRelated, currencies: dict[str, int]
) -> None:
    company = related.company_currency
    assert company is not None
    price = {"amount": "1", "currency": company}
    line = {"product": _ref("product.product", 37), "quantity": {"value": "1"}}
    order = _order(lines=({**line, "unit_price": price},))
    assert "currency_id" not in supply_order_to_odoo_vals(order, related=related)
    other = next(code for code in currencies if code != company)
    order = _order(lines=({**line, "unit_price": {"amount": "1", "currency": other}},))
    vals = supply_order_to_odoo_vals(order, related=related, currencies=currencies)
    assert vals["currency_id"] == currencies[other]


def test_a_supply_order_gives_vendor_keys_dates_and_line_commands(related: OdooRelated) -> None:
    order = _order(
        identifiers=(
            Identifier(system=odoo_field_system("purchase.order", "partner_ref"), value="SO-1"),
            Identifier(system="urn:ward-requests", value="REQ-77"),
        ),
        priority="stat",
        authored_on="2026-11-01T10:00:00+01:00",
        occurrence="2026-11-05T08:00:00+00:00",
    )
    vals = supply_order_to_odoo_vals(order, related=related)
    assert vals["partner_id"] == 35
    assert (vals["partner_ref"], vals["origin"], vals["priority"]) == ("SO-1", "REQ-77", "1")
    assert vals["date_order"] == "2026-11-01 09:00:00"
    assert vals["date_planned"] == "2026-11-05 08:00:00"
    [(command, zero, line)] = vals["order_line"]
    assert (command, zero) == (0, 0)
    assert line["product_id"] == 37
    assert line["product_qty"] == 5.0
    assert line["price_unit"] == 0.77
    assert line["date_planned"] == "2026-11-05 08:00:00"
    assert line["product_uom_id"] == related.uom_id("Units")


def _invoice(**changes: Any) -> Invoice:
    data: dict[str, Any] = {
        "status": "draft",
        "recipient": _ref("res.partner", 56),
        "issuer": {
            "type": "Organization",
            "identifier": {"system": odoo_system("res.company"), "value": "1"},
        },
        "lines": (
            {
                "product": _ref("product.product", 81, "[SRV-STR] Instrument Sterilization Cycle"),
                "description": "Sterilization for patient with E11.9 diabetes mellitus",
                "quantity": {"value": "1"},
                "unit_price": {"amount": "45", "currency": "EUR"},
            },
            {
                "description": "Diagnosis: essential hypertension",
                "quantity": {"value": "1"},
                "unit_price": {"amount": "10", "currency": "EUR"},
            },
        ),
    }
    data.update(changes)
    return Invoice.model_validate(data)


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [t for item in value.values() for t in _texts(item)]
    if isinstance(value, list | tuple):
        return [t for item in value for t in _texts(item)]
    return []


def test_clinical_text_in_an_invoice_line_never_reaches_the_vals(
    related: OdooRelated, currencies: dict[str, int], scratch: Database
) -> None:
    vals = invoice_to_odoo_vals(_invoice(), related=related, currencies=currencies)
    texts = " ".join(_texts(vals))
    for clinical in ("E11.9", "diabetes", "Diagnosis", "hypertension"):
        assert clinical not in texts
    first, second = (line for _, _, line in vals["invoice_line_ids"])
    assert first["name"] == "[SRV-STR] Instrument Sterilization Cycle"
    assert "name" not in second
    assert second["price_unit"] == 10.0
    assert scratch.execute_kw(ADMIN, "account.move", "create", [vals], {}).value > 0


def test_clinical_text_detection_spares_ordinary_product_labels(rows: Rows) -> None:
    labels = [r["name"] for r in rows("account.move.line") if r["name"]]
    assert labels
    assert not [label for label in labels if looks_clinical(label)]
    assert looks_clinical("Consult I10")
    assert looks_clinical("dx: flu")


def test_an_invoice_is_a_vendor_bill_when_a_supplier_issued_it() -> None:
    vendor = _ref("res.partner", 37)
    bill = _invoice(issuer=vendor, recipient=None, lines=())
    vals = invoice_to_odoo_vals(bill)
    assert (vals["move_type"], vals["partner_id"]) == ("in_invoice", 37)
    assert invoice_to_odoo_vals(_invoice(lines=()))["move_type"] == "out_invoice"


def test_an_invoice_without_an_odoo_recipient_is_refused_naming_the_field() -> None:
    error = _refusal(lambda: invoice_to_odoo_vals(_invoice(recipient=None, lines=())))
    assert (error.model, error.field) == ("Invoice", "recipient")


def test_an_invoice_in_an_unknown_currency_is_refused(currencies: dict[str, int]) -> None:
    line = InvoiceLine.model_validate(
        {"quantity": {"value": "1"}, "unit_price": {"amount": "1", "currency": "JPY"}}
    )
    invoice = _invoice(lines=(line,))
    error = _refusal(lambda: invoice_to_odoo_vals(invoice, currencies=currencies))
    assert error.field == "lines[0].unit_price.currency"


def test_a_payment_with_no_direction_or_no_payer_is_refused() -> None:
    data: dict[str, Any] = {
        "status": "active",
        "created": date(2026, 11, 1),
        "payment_date": date(2026, 11, 1),
        "amount": {"amount": Decimal("10"), "currency": "EUR"},
    }
    error = _refusal(lambda: payment_to_odoo_vals(Payment.model_validate(data)))
    assert error.field == "direction"
    inbound = Payment.model_validate({**data, "direction": "inbound"})
    error = _refusal(lambda: payment_to_odoo_vals(inbound))
    assert error.field == "payment_issuer"
