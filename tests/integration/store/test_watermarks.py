"""Watermarks persist in the store and survive a new engine (a restarted process)."""

from __future__ import annotations

from datetime import UTC, datetime

from healthbridge.canonical import Watermark
from healthbridge.store import Watermarks, create_store_engine

WHEN = datetime(2026, 11, 24, 15, 41, 51, tzinfo=UTC)


class TestWatermarks:
    async def test_a_model_never_polled_has_no_watermark(self, store_engine):
        assert await Watermarks(store_engine).get("res.partner") is None

    async def test_a_watermark_survives_a_new_engine(self, store_url):
        first = create_store_engine(store_url)
        try:
            await Watermarks(first).set(
                Watermark(model="res.partner", write_date=WHEN, record_id=7)
            )
        finally:
            await first.dispose()

        second = create_store_engine(store_url)
        try:
            mark = await Watermarks(second).get("res.partner")
        finally:
            await second.dispose()

        assert mark is not None
        assert mark.position == (WHEN, 7)
        assert mark.updated_at is not None

    async def test_setting_again_moves_it_and_reset_forgets_it(self, store_engine):
        marks = Watermarks(store_engine)
        await marks.set(Watermark(model="res.partner", write_date=WHEN, record_id=7))
        await marks.set(Watermark(model="res.partner", write_date=WHEN, record_id=9))
        await marks.set(Watermark(model="stock.quant", write_date=WHEN, record_id=1))

        assert [(m.model, m.record_id) for m in await marks.all()] == [
            ("res.partner", 9),
            ("stock.quant", 1),
        ]
        await marks.reset("res.partner")
        assert await marks.get("res.partner") is None
