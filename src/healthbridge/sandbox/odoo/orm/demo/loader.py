"""Load the healthcare demo: deterministic for a given seed and clock.

The records are made through the ORM as the superuser, then their ``create_date`` and
``write_date`` are spread over the past months (ids ascending, older first), so that a
``write_date`` watermark poll sees a realistic history rather than one instant.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from healthbridge.sandbox.odoo.orm.demo.documents import seed_invoices, seed_purchases, seed_sales
from healthbridge.sandbox.odoo.orm.demo.inventory import seed_products, seed_stock, seed_warehouses
from healthbridge.sandbox.odoo.orm.demo.partners import seed_partners, seed_staff
from healthbridge.sandbox.odoo.orm.demo.seeding import Seeder

if TYPE_CHECKING:
    from healthbridge.sandbox.odoo.orm.environment import Environment

HISTORY_DAYS = 120
UNSPREAD = frozenset(
    {
        "ir.model",
        "ir.model.fields",
        "ir.config_parameter",
        "res.users",
        "res.currency",
        "res.country",
    }
)


def load_demo(env: Environment, seed: int) -> None:
    """Fill a fresh database (baseline loaded) with the hospital group's demo data."""
    seeder = Seeder(env, random.Random(seed))
    seed_partners(seeder)
    seed_staff(seeder)
    seed_products(seeder)
    seed_warehouses(seeder)
    seed_stock(seeder)
    seed_purchases(seeder)
    seed_sales(seeder)
    seed_invoices(seeder)
    seeder.create("ir.config_parameter", [{"key": "healthbridge.demo.seed", "value": str(seed)}])
    spread_history(env, random.Random(seed * 7919 + 1))


def spread_history(env: Environment, rng: random.Random) -> None:
    """Give the demo rows create/write dates over the last ``HISTORY_DAYS`` days."""
    journal = env.transaction.journal
    for model in sorted(env.store.tables):
        if model in UNSPREAD:
            continue
        rows = env.store.tables[model].rows
        ages = sorted((rng.uniform(1, HISTORY_DAYS) for _ in rows), reverse=True)
        for record_id, age in zip(sorted(rows), ages, strict=True):
            created = env.now - timedelta(days=age, microseconds=rng.randrange(1, 999_999))
            edited = (
                created
                if rng.random() < 0.3
                else created + timedelta(days=rng.uniform(0, age - 0.5))
            )
            journal.update(model, record_id, {"create_date": created, "write_date": edited})
