"""The state the demo loaders share: the superuser environment, a seeded PRNG, created ids."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from healthbridge.sandbox.odoo.orm.writing import create_records, write_records

if TYPE_CHECKING:
    from healthbridge.sandbox.odoo.orm.environment import Environment


def belgian_vat(number: int) -> str:
    """A Belgian VAT number ``BE`` + 8-digit base (0 or 1 first) + its mod-97 check digits."""
    base = 1_000_000 + number % 18_999_999
    return f"BE{base:08d}{97 - base % 97:02d}"


@dataclass
class Seeder:
    """Creates demo records as the superuser and remembers what it made."""

    env: Environment
    rng: random.Random
    tags: dict[str, int] = field(default_factory=dict)
    facilities: list[int] = field(default_factory=list)
    facility_contacts: dict[int, list[int]] = field(default_factory=dict)
    payers: list[int] = field(default_factory=list)
    suppliers: dict[str, int] = field(default_factory=dict)
    laboratories: list[int] = field(default_factory=list)
    pharmacies: list[int] = field(default_factory=list)
    patients: list[int] = field(default_factory=list)
    warehouses: dict[str, int] = field(default_factory=dict)
    wards: dict[str, list[int]] = field(default_factory=dict)
    products: dict[str, int] = field(default_factory=dict)
    product_supplier: dict[str, str] = field(default_factory=dict)

    def create(self, model: str, vals_list: list[dict[str, Any]]) -> list[int]:
        return create_records(self.env[model].sudo(), vals_list)

    def one(self, model: str, vals: dict[str, Any]) -> int:
        return self.create(model, [vals])[0]

    def write(self, model: str, ids: list[int], vals: dict[str, Any]) -> None:
        write_records(self.env[model].sudo().browse(ids), vals)

    def call(self, model: str, method: str, ids: list[int]) -> Any:
        return getattr(self.env[model].sudo().browse(ids), method)()

    def ids(self, model: str) -> list[int]:
        return sorted(self.env.store.tables[model].rows)

    def row(self, model: str, record_id: int) -> dict[str, Any]:
        return self.env.store.tables[model].rows[record_id]

    @property
    def now(self) -> datetime:
        return self.env.now

    def days_ago(self, days: float) -> datetime:
        return self.env.now - timedelta(days=days)

    def day(self, offset_days: int) -> date:
        return (self.env.now + timedelta(days=offset_days)).date()

    def vat(self) -> str:
        return belgian_vat(self.rng.randrange(0, 18_999_999))
