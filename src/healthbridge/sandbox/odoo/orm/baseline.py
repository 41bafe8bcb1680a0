"""The records every sandbox database starts with, demo data or not.

The model catalogue (``ir.model``/``ir.model.fields``), the company and its partner, the
five fixed users, currencies, countries, units, the root product category, accounting
journals, the standard stock locations and one warehouse ``WH``. Ids that clients may
rely on are fixed (company 1, users 1/2/5/6/7, United States 233 as on a real server).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from healthbridge.sandbox.odoo.orm.fields import One2many
from healthbridge.sandbox.odoo.orm.users import USERS
from healthbridge.sandbox.odoo.orm.writing import create_records

if TYPE_CHECKING:
    from healthbridge.sandbox.odoo.orm.environment import Environment

COUNTRIES = (
    (20, "Belgium", "BE", 32, 1),
    (43, "Switzerland", "CH", 41, None),
    (57, "Germany", "DE", 49, 1),
    (68, "Spain", "ES", 34, 1),
    (75, "France", "FR", 33, 1),
    (109, "Italy", "IT", 39, 1),
    (133, "Luxembourg", "LU", 352, 1),
    (165, "Netherlands", "NL", 31, 1),
    (175, "Poland", "PL", 48, None),
    (205, "Sweden", "SE", 46, None),
    (231, "United Kingdom", "GB", 44, None),
    (233, "United States", "US", 1, 2),
)
UNITS = (
    ("Units", 1.0),
    ("Dozens", 12.0),
    ("Pack of 10", 10.0),
    ("Box of 50", 50.0),
    ("Box of 100", 100.0),
    ("Pair", 2.0),
    ("mL", 1.0),
    ("L", 1000.0),
    ("g", 1.0),
    ("kg", 1000.0),
)
JOURNALS = (
    ("Customer Invoices", "INV", "sale"),
    ("Vendor Bills", "BILL", "purchase"),
    ("Bank", "BNK1", "bank"),
    ("Cash", "CSH1", "cash"),
    ("Miscellaneous Operations", "MISC", "general"),
)


def force(env: Environment, model: str, record_id: int, vals: dict[str, Any]) -> int:
    """Insert a row with a fixed id, defaults and magic fields filled, no hooks."""
    cls = env.registry[model]
    row: dict[str, Any] = {}
    for name, field in cls._fields.items():
        if not field.column:
            continue
        value = vals.get(name, field.default(env) if callable(field.default) else field.default)
        row[name] = field.to_cache(value) if value is not None else field.empty()
    row.update(create_uid=env.uid, create_date=env.now, write_uid=env.uid, write_date=env.now)
    return env.transaction.journal.insert(model, row, record_id)


_CATALOGUE: list[tuple[str, int, dict[str, Any]]] = []


def _catalogue_rows(env: Environment) -> list[tuple[str, int, dict[str, Any]]]:
    """(model, id, row) of every catalogue record; the registry is static, so built once."""
    if _CATALOGUE:
        return _CATALOGUE
    field_id = 0
    for model_id, model_name in enumerate(sorted(env.registry), start=1):
        cls = env.registry[model_name]
        info = (cls.__doc__ or "").strip() or None
        _CATALOGUE.append(
            (
                "ir.model",
                model_id,
                {
                    "name": cls._description,
                    "model": model_name,
                    "state": "base",
                    "info": info,
                    "transient": False,
                },
            )
        )
        for name, field in cls._fields.items():
            field_id += 1
            row = {
                "name": name,
                "field_description": field.label,
                "model": model_name,
                "model_id": model_id,
                "ttype": field.type,
                "relation": getattr(field, "comodel", None),
                "relation_field": field.inverse_name if isinstance(field, One2many) else None,
                "required": field.required,
                "readonly": field.readonly,
                "store": field.store,
                "help": field.help,
                "state": "base",
            }
            _CATALOGUE.append(("ir.model.fields", field_id, row))
    return _CATALOGUE


def load_catalogue(env: Environment) -> None:
    """One ``ir.model`` row per model and one ``ir.model.fields`` row per field."""
    stamp = {
        "create_uid": env.uid,
        "create_date": env.now,
        "write_uid": env.uid,
        "write_date": env.now,
    }
    for model, record_id, row in _catalogue_rows(env):
        table = env.store.tables[model]
        # A fresh database: nothing to roll back to, so the rows go straight in.
        table.rows[record_id] = {**row, **stamp, "id": record_id}
        table.next_id = max(table.next_id, record_id + 1)
    env.store.version += 1


def load_baseline(env: Environment, *, company_name: str = "My Company") -> None:
    """Everything a fresh database holds before any demo data."""
    load_catalogue(env)
    force(
        env,
        "res.currency",
        1,
        {"name": "EUR", "full_name": "Euro", "symbol": "€", "position": "after"},
    )
    force(
        env,
        "res.currency",
        2,
        {"name": "USD", "full_name": "United States dollar", "symbol": "$", "position": "before"},
    )
    for country_id, name, code, phone, currency in COUNTRIES:
        force(
            env,
            "res.country",
            country_id,
            {"name": name, "code": code, "phone_code": phone, "currency_id": currency},
        )
    force(
        env,
        "res.partner",
        1,
        {
            "name": company_name,
            "is_company": True,
            "country_id": 20,
            "email": "info@healthbridge.example",
        },
    )
    force(
        env,
        "res.company",
        1,
        {"name": company_name, "partner_id": 1, "currency_id": 1, "country_id": 20},
    )
    env.transaction.journal.update("res.partner", 1, {"company_id": 1})
    for offset, user in enumerate(USERS):
        partner_id = force(
            env,
            "res.partner",
            2 + offset,
            {"name": user.name, "email": user.email, "company_id": 1},
        )
        force(
            env,
            "res.users",
            user.uid,
            {"name": user.name, "login": user.login, "partner_id": partner_id, "email": user.email},
        )
    create_records(
        env["uom.uom"].sudo(), [{"name": name, "relative_factor": factor} for name, factor in UNITS]
    )
    create_records(env["product.category"].sudo(), [{"name": "All"}])
    create_records(
        env["account.journal"].sudo(), [{"name": n, "code": c, "type": t} for n, c, t in JOURNALS]
    )
    _stock_locations(env)
    add_warehouse(env, "WH", company_name, partner_id=1)
    create_records(
        env["ir.config_parameter"].sudo(),
        [
            {"key": "web.base.url", "value": "http://localhost:8069"},
            {
                "key": "database.uuid",
                "value": str(uuid.uuid5(uuid.NAMESPACE_URL, f"healthbridge:{company_name}")),
            },
            {"key": "database.create_date", "value": env.now.strftime("%Y-%m-%d %H:%M:%S")},
        ],
    )


def _stock_locations(env: Environment) -> None:
    locations = env["stock.location"].sudo()

    def add(name: str, usage: str, parent: int | None = None) -> int:
        return create_records(
            locations, [{"name": name, "usage": usage, "location_id": parent or False}]
        )[0]

    add("Physical Locations", "view")
    partners = add("Partners", "view")
    add("Vendors", "supplier", partners)
    add("Customers", "customer", partners)
    virtual = add("Virtual Locations", "view")
    add("Inventory adjustment", "inventory", virtual)
    add("Scrap", "inventory", virtual)


def add_warehouse(env: Environment, code: str, name: str, *, partner_id: int | None = None) -> int:
    """A warehouse with its view and stock locations and its three operation types."""
    locations = env["stock.location"].sudo()
    rows = env.store.tables["stock.location"].rows
    physical = next(i for i in sorted(rows) if rows[i]["name"] == "Physical Locations")
    vendors = next(i for i in sorted(rows) if rows[i]["usage"] == "supplier")
    customers = next(i for i in sorted(rows) if rows[i]["usage"] == "customer")
    view = create_records(locations, [{"name": code, "usage": "view", "location_id": physical}])[0]
    stock = create_records(
        locations, [{"name": "Stock", "usage": "internal", "location_id": view}]
    )[0]
    warehouse = create_records(
        env["stock.warehouse"].sudo(),
        [
            {
                "name": name,
                "code": code,
                "partner_id": partner_id or False,
                "view_location_id": view,
                "lot_stock_id": stock,
            }
        ],
    )[0]
    env.transaction.journal.update("stock.location", view, {"warehouse_id": warehouse})
    env.transaction.journal.update("stock.location", stock, {"warehouse_id": warehouse})
    create_records(
        env["stock.picking.type"].sudo(),
        [
            {
                "name": "Receipts",
                "code": "incoming",
                "sequence_code": "IN",
                "warehouse_id": warehouse,
                "default_location_src_id": vendors,
                "default_location_dest_id": stock,
                "sequence": 1,
            },
            {
                "name": "Delivery Orders",
                "code": "outgoing",
                "sequence_code": "OUT",
                "warehouse_id": warehouse,
                "default_location_src_id": stock,
                "default_location_dest_id": customers,
                "sequence": 2,
            },
            {
                "name": "Internal Transfers",
                "code": "internal",
                "sequence_code": "INT",
                "warehouse_id": warehouse,
                "default_location_src_id": stock,
                "default_location_dest_id": stock,
                "sequence": 3,
            },
        ],
    )
    return warehouse
