"""Canonical -> Odoo vals -> create in the real ORM -> search_read -> canonical gives it back.

What Odoo does not hold from a mapped object, listed here and nowhere hidden:
- the Odoo record identifier (the new record has a new id);
- an address's country (vals never set ``country_id``: an address names its country);
- an organisation's ``supplier`` role that came only from ``supplier_rank`` (Odoo's own
  counter, never written), so only companies whose roles all come from tags are compared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel

from healthbridge.canonical import odoo_system
from healthbridge.mappings.odoo import (
    is_patient,
    lot_to_odoo_vals,
    odoo_to_lot,
    odoo_to_organization,
    odoo_to_patient,
    odoo_to_practitioner,
    odoo_to_product,
    organization_to_odoo_vals,
    patient_to_odoo_vals,
    practitioner_to_odoo_vals,
    product_to_odoo_vals,
)
from healthbridge.mappings.odoo.related import OdooRelated
from healthbridge.sandbox.odoo.orm import Database
from tests.unit.mappings.odoo.conftest import ADMIN, Rows, read_rows

M = TypeVar("M", bound=BaseModel)


@pytest.fixture(scope="module")
def scratch() -> Database:
    """A demo database of its own, with barcodes and lot names freed for new records."""
    db = Database()
    products = [r["id"] for r in read_rows(db, "product.product")]
    db.execute_kw(ADMIN, "product.product", "write", [products, {"barcode": False}], {})
    for lot in read_rows(db, "stock.lot"):
        db.execute_kw(ADMIN, "stock.lot", "write", [[lot["id"]], {"name": f"old-{lot['id']}"}], {})
    return db


def _again(
    db: Database,
    model: str,
    vals: dict[str, Any],
    mapper: Callable[..., M],
    related: OdooRelated,
) -> M:
    new_id = db.execute_kw(ADMIN, model, "create", [vals], {}).value
    row = read_rows(db, model, [["id", "=", new_id]])[0]
    return mapper(row, related=related)


def _comparable(obj: M, model: str) -> M:
    ids = getattr(obj, "identifiers", ())
    update: dict[str, Any] = {
        "identifiers": tuple(i for i in ids if i.system != odoo_system(model))
    }
    if hasattr(obj, "addresses"):
        update["addresses"] = tuple(a.model_copy(update={"country": None}) for a in obj.addresses)
    return obj.model_copy(update=update)


def test_every_demo_patient_and_company_survives_a_round_trip_through_odoo(
    rows: Rows, related: OdooRelated, scratch: Database
) -> None:
    compared = 0
    for row in rows("res.partner"):
        if is_patient(row, related):
            patient = odoo_to_patient(row, related=related)
            patient_again = _again(
                scratch,
                "res.partner",
                patient_to_odoo_vals(patient, related=related),
                odoo_to_patient,
                related,
            )
            assert _comparable(patient_again, "res.partner") == _comparable(patient, "res.partner")
            compared += 1
        elif row["is_company"] and not row["supplier_rank"] and row["category_id"]:
            org = odoo_to_organization(row, related=related)
            vals = organization_to_odoo_vals(org, related=related)
            again = _again(scratch, "res.partner", vals, odoo_to_organization, related)
            assert _comparable(again, "res.partner") == _comparable(org, "res.partner")
            compared += 1
    assert compared > 40


def test_every_demo_product_and_lot_survives_a_round_trip_through_odoo(
    rows: Rows, related: OdooRelated, scratch: Database
) -> None:
    for row in rows("product.product"):
        product = odoo_to_product(row, related=related)
        vals = product_to_odoo_vals(product, related=related)
        again = _again(scratch, "product.product", vals, odoo_to_product, related)
        assert _comparable(again, "product.product") == _comparable(product, "product.product")
    for row in rows("stock.lot")[:40]:
        lot = odoo_to_lot(row)
        lot_again = _again(scratch, "stock.lot", lot_to_odoo_vals(lot), odoo_to_lot, related)
        assert _comparable(lot_again, "stock.lot") == _comparable(lot, "stock.lot")


def test_every_demo_employee_survives_a_round_trip_through_odoo(
    rows: Rows, related: OdooRelated, scratch: Database
) -> None:
    for row in rows("hr.employee"):
        practitioner = odoo_to_practitioner(row)
        vals = practitioner_to_odoo_vals(practitioner)
        again = _again(scratch, "hr.employee", vals, odoo_to_practitioner, related)
        assert _comparable(again, "hr.employee") == _comparable(practitioner, "hr.employee")
