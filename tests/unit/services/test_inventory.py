"""Inventory staleness: fresh data comes from the read model, stale data is read through Odoo."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from healthbridge.canonical.changes import OdooChange
from healthbridge.core.errors import NotFoundError, UnavailableError
from healthbridge.services.inventory import InventoryAvailability
from healthbridge.testing import FakeClock
from tests.unit.services.business_fakes import BusinessOdoo, MemoryReadModel

START = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
GTIN = "05412345000013"


class OdooDownError(UnavailableError):
    """What the connector raises when Odoo does not answer."""

    code = "odoo.unavailable"


class Stock:
    """An Odoo with one lot-tracked product in two internal locations, and the use case over it."""

    def __init__(self, *, staleness: float = 60.0, cache: float = 1.0) -> None:
        self.clock = FakeClock(START)
        self.odoo = BusinessOdoo(clock=self.clock)
        self.read_model = MemoryReadModel()
        uom = self.odoo.add("uom.uom", name="Units")
        self.product = self.odoo.add(
            "product.product",
            name="Nitrile gloves M",
            default_code="GLV-M",
            barcode=GTIN,
            uom_id=uom,
            type="consu",
            active=True,
        )
        stock = self.odoo.add(
            "stock.location", name="Stock", complete_name="WH/Stock", usage="internal"
        )
        shelf = self.odoo.add(
            "stock.location", name="Shelf 1", complete_name="WH/Stock/Shelf 1", usage="internal"
        )
        clinic = self.odoo.add(
            "stock.location", name="Stock", complete_name="CLINIC/Stock", usage="internal"
        )
        vendors = self.odoo.add(
            "stock.location", name="Vendors", complete_name="Partners/Vendors", usage="supplier"
        )
        early = self.odoo.add(
            "stock.lot",
            name="L-EARLY",
            product_id=self.product,
            expiration_date="2027-01-31 00:00:00",
        )
        late = self.odoo.add(
            "stock.lot",
            name="L-LATE",
            product_id=self.product,
            expiration_date="2027-06-30 00:00:00",
        )
        self.quant = self.quant_at(stock, 40.0, late, reserved=5.0)
        self.quant_at(stock, 10.0, early)
        self.quant_at(shelf, 3.0, early)
        self.quant_at(clinic, 7.0, None)
        self.quant_at(vendors, 1000.0, None)  # not internal: never counted
        self.use_case = InventoryAvailability(
            self.odoo,
            self.read_model,
            staleness_seconds=staleness,
            cache_seconds=cache,
            clock=self.clock,
        )

    def quant_at(
        self, location: int, quantity: float, lot: int | None, reserved: float = 0.0
    ) -> int:
        return self.odoo.add(
            "stock.quant",
            product_id=self.product,
            location_id=location,
            lot_id=lot or False,
            quantity=quantity,
            reserved_quantity=reserved,
        )

    def odoo_reads(self) -> int:
        return len(self.odoo.calls)


async def test_a_product_missing_from_the_read_model_is_read_through_and_stored():
    stock = Stock()

    found = await stock.use_case.availability(GTIN)

    assert found.source == "odoo"
    assert found.age_seconds == 0.0
    assert stock.odoo_reads() > 0
    assert stock.read_model.products[stock.product].refreshed_at == START
    assert [s.location_name for s in found.locations] == [
        "CLINIC/Stock",
        "WH/Stock",
        "WH/Stock/Shelf 1",
    ]
    wh = found.locations[1]
    assert (wh.quantity, wh.reserved, wh.available) == (50.0, 5.0, 45.0)
    assert [lot.lot_name for lot in wh.lots] == ["L-EARLY", "L-LATE"]  # earliest expiry first
    assert found.uom == "Units"


async def test_fresh_data_is_served_from_the_read_model_with_its_age_and_no_odoo_call():
    stock = Stock(staleness=60.0)
    await stock.use_case.refresh_all()
    calls = stock.odoo_reads()
    stock.clock.advance(42.5)

    found = await stock.use_case.availability("GLV-M")

    assert found.source == "read_model"
    assert found.age_seconds == 42.5
    assert found.as_of == START
    assert found.staleness_bound_seconds == 60.0
    assert stock.odoo_reads() == calls


async def test_data_exactly_at_the_bound_is_still_served_from_the_read_model():
    stock = Stock(staleness=60.0)
    await stock.use_case.refresh_all()
    stock.clock.advance(60.0)

    found = await stock.use_case.availability(GTIN)

    assert (found.source, found.age_seconds) == ("read_model", 60.0)


async def test_stale_data_is_read_through_odoo_and_the_read_model_is_refreshed():
    stock = Stock(staleness=60.0)
    await stock.use_case.refresh_all()
    calls = stock.odoo_reads()
    now = stock.clock.advance(61.0)
    await stock.odoo.write("stock.quant", [stock.quant], {"quantity": 1.0})

    found = await stock.use_case.availability(GTIN)

    assert found.source == "odoo"
    assert found.age_seconds == 0.0
    assert found.as_of == now
    assert stock.odoo_reads() > calls + 1
    assert found.locations[1].quantity == 11.0
    assert stock.read_model.products[stock.product].refreshed_at == now

    stock.clock.advance(2.0)
    again = await stock.use_case.availability(GTIN)
    assert (again.source, again.age_seconds, again.locations[1].quantity) == (
        "read_model",
        2.0,
        11.0,
    )


async def test_when_odoo_is_down_and_the_data_is_stale_the_error_propagates_and_nothing_changes():
    stock = Stock(staleness=60.0)
    await stock.use_case.refresh_all()
    stored = stock.read_model.products[stock.product]
    stock.clock.advance(120.0)
    stock.odoo.failures.append(OdooDownError("Odoo did not answer"))

    with pytest.raises(OdooDownError):
        await stock.use_case.availability(GTIN)

    assert stock.read_model.products[stock.product] is stored


async def test_when_odoo_is_down_fresh_data_is_still_served():
    stock = Stock(staleness=60.0)
    await stock.use_case.refresh_all()
    stock.clock.advance(10.0)
    stock.odoo.failures.append(OdooDownError("Odoo did not answer"))

    found = await stock.use_case.availability(GTIN)

    assert found.source == "read_model"
    assert stock.odoo.failures  # never consumed: Odoo was not asked


async def test_concurrent_requests_for_a_stale_product_share_one_read_through():
    stock = Stock(staleness=60.0)
    await stock.use_case.refresh_all()
    stock.clock.advance(120.0)
    before = len([c for c in stock.odoo.calls if c == ("product.product", "search_read")])

    answers = await asyncio.gather(*(stock.use_case.availability(GTIN) for _ in range(5)))

    searches = [c for c in stock.odoo.calls if c == ("product.product", "search_read")]
    assert len(searches) - before == 1
    assert {a.source for a in answers} == {"odoo"}


async def test_the_in_process_cache_rereads_the_read_model_after_cache_seconds():
    stock = Stock(staleness=3600.0, cache=1.0)
    await stock.use_case.refresh_all()

    await stock.use_case.availability(GTIN)
    finds = stock.read_model.finds
    stock.clock.advance(0.5)
    await stock.use_case.availability(GTIN)
    assert stock.read_model.finds == finds

    stock.clock.advance(1.0)
    await stock.use_case.availability(GTIN)
    assert stock.read_model.finds == finds + 1


@pytest.mark.parametrize(
    ("location", "names"),
    [
        ("WH/Stock", ["WH/Stock", "WH/Stock/Shelf 1"]),
        ("WH/Stock/", ["WH/Stock", "WH/Stock/Shelf 1"]),
        ("WH/Stock/Shelf 1", ["WH/Stock/Shelf 1"]),
        ("WH/Sto", []),
        ("CLINIC/Stock", ["CLINIC/Stock"]),
    ],
)
async def test_a_location_filter_takes_the_location_and_the_ones_inside_it(location, names):
    stock = Stock()
    await stock.use_case.refresh_all()

    found = await stock.use_case.availability(GTIN, location)

    assert [s.location_name for s in found.locations] == names


async def test_a_location_filter_by_odoo_id_takes_that_location_only():
    stock = Stock()
    await stock.use_case.refresh_all()
    location_id = stock.read_model.products[stock.product].quants[0].location_id

    found = await stock.use_case.availability(GTIN, str(location_id))

    assert [s.location_id for s in found.locations] == [location_id]


async def test_an_unknown_product_is_not_found_after_asking_odoo():
    stock = Stock()

    with pytest.raises(NotFoundError):
        await stock.use_case.availability("0000000000000")


async def test_captured_quant_changes_refresh_the_product_they_touch():
    stock = Stock(staleness=3600.0)
    await stock.use_case.refresh_all()
    stock.clock.advance(30.0)
    await stock.odoo.write("stock.quant", [stock.quant], {"quantity": 0.0})
    change = OdooChange.from_polled_row(
        "stock.quant",
        {"id": stock.quant, "write_date": "2026-11-24 08:00:30"},
        observed_at=stock.clock.now(),
    )

    assert await stock.use_case.apply_changes([change]) == 1

    stock.clock.advance(2.0)
    found = await stock.use_case.availability(GTIN)
    assert found.source == "read_model"
    assert found.age_seconds == 2.0
    assert found.locations[1].quantity == 10.0


async def test_requests_that_find_the_cache_expired_together_share_one_read_of_the_read_model():
    stock = Stock(staleness=3600.0, cache=1.0)
    await stock.use_case.refresh_all()
    await stock.use_case.availability(GTIN)
    stock.clock.advance(5.0)
    finds = stock.read_model.finds

    answers = await asyncio.gather(*(stock.use_case.availability(GTIN) for _ in range(10)))

    assert stock.read_model.finds == finds + 1
    assert {a.age_seconds for a in answers} == {5.0}


async def test_a_reread_that_finds_the_same_data_keeps_the_revision():
    stock = Stock(staleness=3600.0, cache=1.0)
    await stock.use_case.refresh_all()
    first = await stock.use_case.availability(GTIN)

    stock.clock.advance(5.0)
    again = await stock.use_case.availability(GTIN)

    assert again.revision == first.revision
    assert again.age_seconds == 5.0


async def test_a_reread_that_finds_changed_data_gets_a_new_revision():
    stock = Stock(staleness=3600.0, cache=1.0)
    await stock.use_case.refresh_all()
    first = await stock.use_case.availability(GTIN)
    # another process (a capture worker) refreshed the product in the shared read model
    other = InventoryAvailability(stock.odoo, stock.read_model, clock=stock.clock)
    stock.clock.advance(5.0)
    assert (await stock.use_case.availability(GTIN)).revision == first.revision
    await stock.odoo.write("stock.quant", [stock.quant], {"quantity": 2.0})
    await other.refresh_products([stock.product])

    stock.clock.advance(0.5)
    cached = await stock.use_case.availability(GTIN)
    stock.clock.advance(1.0)
    reread = await stock.use_case.availability(GTIN)

    assert cached.revision == first.revision  # within cache_seconds: not re-read yet
    assert reread.revision != first.revision
    assert reread.locations[1].quantity == 12.0
    assert reread.age_seconds == 1.5
