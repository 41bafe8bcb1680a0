"""Fixtures for the sandbox ORM specifications: a frozen clock, databases and a tiny client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from healthbridge.sandbox.odoo.orm import CallResult, Database

ADMIN, DEMO, HUB, STOCK_READER, SYSTEM = 2, 5, 6, 7, 1
START = datetime(2026, 11, 24, 15, 41, 51, 278667, tzinfo=UTC)


class FrozenClock:
    """A clock the test moves by hand; starts at a time with microseconds, like Odoo's now()."""

    def __init__(self, start: datetime = START) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


@dataclass
class Client:
    """Calls a Database as one user, the way the wire layer does."""

    db: Database
    uid: int = ADMIN

    def result(self, model: str, method: str, *args: Any, **kwargs: Any) -> CallResult:
        return self.db.execute_kw(self.uid, model, method, list(args), kwargs or None)

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.result(model, method, *args, **kwargs).value

    def json2(self, model: str, method: str, **body: Any) -> Any:
        return self.db.call_json2(self.uid, model, method, body).value

    def as_user(self, uid: int) -> Client:
        return Client(self.db, uid)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def db(clock: FrozenClock) -> Database:
    """A fresh demo database: tests may change it."""
    return Database("hb_test", clock=clock, api_keys={"admin": "admin-key", "demo": "demo-key"})


@pytest.fixture
def empty_db(clock: FrozenClock) -> Database:
    """A fresh database without demo data (baseline records only)."""
    return Database("hb_empty", demo=False, clock=clock)


@pytest.fixture(scope="module")
def shared_db() -> Database:
    """One demo database per module, for specifications that only read."""
    return Database("hb_shared", clock=FrozenClock())


@pytest.fixture
def admin(db: Database) -> Client:
    return Client(db, ADMIN)


@pytest.fixture
def reader(shared_db: Database) -> Client:
    return Client(shared_db, ADMIN)
