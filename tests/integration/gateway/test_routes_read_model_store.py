"""The inventory read model's tables on SQLite and PostgreSQL, through the real migration."""

from __future__ import annotations

from datetime import UTC, datetime

from healthbridge.services.inventory import StockedProduct, StockedQuant
from healthbridge.store import create_store_engine
from healthbridge.store.read_model import InventoryReadModel

MOMENT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def product(product_id: int, *quants: StockedQuant, barcode: str | None = None) -> StockedProduct:
    return StockedProduct(
        product_id=product_id,
        name=f"Item {product_id}",
        default_code=f"REF-{product_id}",
        barcode=barcode,
        uom="Units",
        refreshed_at=MOMENT,
        quants=quants,
    )


def quant(quant_id: int, location_id: int, lot_id: int | None = None) -> StockedQuant:
    return StockedQuant(
        quant_id=quant_id,
        location_id=location_id,
        location_name=f"WH/Stock/{location_id}",
        lot_id=lot_id,
        lot_name=f"LOT-{lot_id}" if lot_id else None,
        expiry=MOMENT if lot_id else None,
        quantity=10.0,
        reserved=1.5,
    )


class TestInventoryReadModel:
    async def test_a_product_is_replaced_whole_and_found_by_barcode_or_reference(self, store_url):
        engine = create_store_engine(store_url)
        try:
            model = InventoryReadModel(engine)
            await model.put([product(1, quant(10, 5, 7), quant(11, 6), barcode="4006381333931")])
            await model.put([product(1, quant(12, 5, 7), barcode="4006381333931")])

            by_barcode = await model.find("4006381333931")
            by_reference = await model.find("REF-1")

            assert by_barcode == by_reference
            assert by_barcode is not None
            assert [q.quant_id for q in by_barcode.quants] == [12]
            assert by_barcode.refreshed_at == MOMENT
            assert by_barcode.quants[0].expiry == MOMENT
            assert await model.products_of(lot_ids=[7]) == {1}
            assert await model.products_of(quant_ids=[10]) == set()
        finally:
            await engine.dispose()

    async def test_a_full_refresh_leaves_exactly_what_odoo_holds(self, store_url):
        engine = create_store_engine(store_url)
        try:
            model = InventoryReadModel(engine)
            await model.put([product(1, quant(10, 5)), product(2, quant(20, 5))])

            await model.replace_all([product(3, quant(30, 6))])
            await model.remove([3])

            assert await model.all() == []
        finally:
            await engine.dispose()
