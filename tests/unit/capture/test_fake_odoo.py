"""FakeOdoo reproduces the Odoo behaviour the capture relies on, and refuses the rest."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from healthbridge.services import OdooPort
from healthbridge.testing import FakeClock, FakeOdoo, FakeOdooUnsupportedError

T0 = datetime(2026, 11, 24, 15, 41, 51, 278667, tzinfo=UTC)


@pytest.fixture
def odoo() -> FakeOdoo:
    return FakeOdoo(clock=FakeClock(T0))


async def test_write_date_reads_back_to_the_second_but_compares_with_microseconds(odoo):
    [partner] = await odoo.create("res.partner", [{"name": "A"}])

    [row] = await odoo.read("res.partner", [partner], ["write_date"])
    assert row == {"id": partner, "write_date": "2026-11-24 15:41:51"}
    # As in Odoo: the stored value is 15:41:51.278667, so "= 15:41:51" does not match it.
    assert await odoo.search_count("res.partner", [("write_date", "=", row["write_date"])]) == 0
    assert await odoo.search_count("res.partner", [("write_date", ">", row["write_date"])]) == 1


async def test_archived_records_are_hidden_unless_active_test_is_off(odoo):
    await odoo.create(
        "res.partner", [{"name": "A", "active": True}, {"name": "B", "active": False}]
    )

    assert await odoo.search_count("res.partner") == 1
    assert await odoo.search_count("res.partner", context={"active_test": False}) == 2
    assert await odoo.search_count("res.partner", [("active", "=", False)]) == 1


async def test_domains_in_prefix_notation_and_ordering_work_like_odoo(odoo):
    ids = await odoo.create(
        "res.partner", [{"name": n, "ref": r} for n, r in [("a", 3), ("b", 1), ("c", 2)]]
    )
    domain = ["|", ("ref", "=", 3), "&", ("ref", ">=", 1), ("name", "!=", "c")]

    rows = await odoo.search_read("res.partner", domain, ["name"], order="ref desc, id asc")

    assert [row["name"] for row in rows] == ["a", "b"]
    assert await odoo.search_count("res.partner", ["!", ("id", "in", ids[:2])]) == 1


async def test_what_the_fake_does_not_emulate_is_refused_not_faked(odoo):
    await odoo.create("res.partner", [{"name": "a"}])
    with pytest.raises(FakeOdooUnsupportedError):
        await odoo.search_count("res.partner", [("name", "ilike", "a")])
    with pytest.raises(FakeOdooUnsupportedError):
        await odoo.call("purchase.order", "button_confirm", [1])


async def test_injected_failures_are_raised_by_the_next_calls_in_order(odoo):
    odoo.failures.append(TimeoutError())

    with pytest.raises(TimeoutError):
        await odoo.search_count("res.partner")
    assert await odoo.search_count("res.partner") == 0


def test_the_fake_is_an_odoo_port():
    port: OdooPort = FakeOdoo()
    assert port is not None
