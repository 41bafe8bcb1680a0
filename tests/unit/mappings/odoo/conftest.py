"""The real sandbox ORM with its demo data, read exactly as a caller of search_read would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from healthbridge.mappings.odoo import FIELDS, OdooRelated
from healthbridge.sandbox.odoo.orm import Database

ADMIN = 2

Rows = Callable[[str], list[dict[str, Any]]]


def read_rows(db: Database, model: str, domain: list[Any] | None = None) -> list[dict[str, Any]]:
    """Every row of ``model`` (archived ones too) with the fields its mapper reads."""
    kwargs = {"fields": list(FIELDS[model]), "context": {"active_test": False}}
    result: list[dict[str, Any]] = db.execute_kw(
        ADMIN, model, "search_read", [domain or []], kwargs
    ).value
    return result


@pytest.fixture(scope="session")
def demo_db() -> Database:
    """The demo database, shared and never written to."""
    return Database()


@pytest.fixture(scope="session")
def rows(demo_db: Database) -> Rows:
    """``rows(model)``: the demo rows of ``model``, read once per session."""
    cache: dict[str, list[dict[str, Any]]] = {}

    def read(model: str) -> list[dict[str, Any]]:
        if model not in cache:
            cache[model] = read_rows(demo_db, model)
        return cache[model]

    return read


@pytest.fixture(scope="session")
def related(rows: Rows, demo_db: Database) -> OdooRelated:
    """Tag names, unit names and the company currency, as a caller would read them once."""
    company = demo_db.execute_kw(
        ADMIN, "res.company", "search_read", [[]], {"fields": ["currency_id"]}
    ).value[0]
    return OdooRelated(
        partner_tags={r["id"]: r["name"] for r in rows("res.partner.category")},
        uoms={r["id"]: r["name"] for r in rows("uom.uom")},
        company_currency=company["currency_id"][1],
    )
