"""The change log on a real database: atomic upsert and collapse, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from healthbridge.canonical import OdooChange, Watermark
from healthbridge.store import ChangeLog, Watermarks, create_store_engine

WRITE = datetime(2026, 11, 24, 15, 41, 51, 278667, tzinfo=UTC)
SEEN = datetime(2026, 11, 24, 15, 41, 52, tzinfo=UTC)


def change(record_id=55, *, source="webhook", write_date=WRITE, fields=("email",), seen=SEEN):
    return OdooChange(
        model="res.partner",
        record_id=record_id,
        write_date=write_date,
        changed_fields=fields if source == "webhook" else (),
        source=source,
        observed_at=seen,
    )


class TestChangeLog:
    async def test_the_first_observation_is_new_and_repeats_are_not(self, store_engine):
        log = ChangeLog(store_engine)

        assert await log.record(change()) is True
        assert await log.record(change()) is False

        [row] = await log.latest()
        assert row.seen_count == 2
        assert row.key == ("res.partner", 55, WRITE.replace(microsecond=0))

    async def test_many_tasks_recording_the_same_change_at_once_leave_one_row(self, store_url):
        # Separate engines, so the writers really race on separate connections.
        engines = [create_store_engine(store_url) for _ in range(4)]
        try:
            logs = [ChangeLog(engine) for engine in engines]
            results = await asyncio.gather(*(logs[i % 4].record(change()) for i in range(40)))

            assert results.count(True) == 1
            [row] = await logs[0].latest()
            assert row.seen_count == 40
            assert await logs[0].count() == 1
        finally:
            for engine in engines:
                await engine.dispose()

    async def test_a_change_seen_by_webhook_and_poller_is_one_row_with_both_sources(
        self, store_engine
    ):
        log = ChangeLog(store_engine)

        await log.record(change(source="poller", seen=SEEN))
        await log.record(change(source="webhook", seen=SEEN + timedelta(seconds=2)))
        await log.record(change(source="poller", seen=SEEN - timedelta(seconds=1)))

        [row] = await log.latest()
        assert row.sources == ("webhook", "poller")
        assert row.changed_fields == ("email",)
        assert row.seen_count == 3
        assert row.first_seen_at == SEEN - timedelta(seconds=1)
        assert row.last_seen_at == SEEN + timedelta(seconds=2)

    async def test_write_dates_differing_only_in_microseconds_are_the_same_change(
        self, store_engine
    ):
        log = ChangeLog(store_engine)

        await log.record(change(write_date=WRITE))
        await log.record(change(write_date=WRITE.replace(microsecond=0)))
        await log.record(change(write_date=WRITE + timedelta(seconds=1)))

        assert await log.count() == 2

    async def test_times_come_back_timezone_aware_in_utc(self, store_engine):
        log = ChangeLog(store_engine)
        await log.record(change())

        row = await log.get("res.partner", 55, WRITE)

        assert row is not None
        assert row.write_date.tzinfo is not None
        assert row.write_date.utcoffset() == timedelta(0)
        assert row.first_seen_at == SEEN

    async def test_listing_gives_latest_first_by_model_and_since_an_id(self, store_engine):
        log = ChangeLog(store_engine)
        for record_id in range(1, 6):
            await log.record(change(record_id))
        await log.record(
            OdooChange(
                model="stock.quant",
                record_id=9,
                write_date=WRITE,
                source="poller",
                observed_at=SEEN,
            )
        )

        latest = await log.latest(3)
        assert [row.model for row in latest] == ["stock.quant", "res.partner", "res.partner"]
        assert [row.record_id for row in await log.latest(2, model="res.partner")] == [5, 4]
        after = await log.since(latest[-1].id)
        assert [row.record_id for row in after] == [5, 9]
        assert [row.record_id for row in await log.since(0, limit=2)] == [1, 2]
        assert await log.count(model="stock.quant") == 1
        assert await log.get("res.partner", 99, WRITE) is None

    async def test_a_page_and_its_watermark_are_stored_together_or_not_at_all(self, store_engine):
        log = ChangeLog(store_engine)
        marks = Watermarks(store_engine)
        mark = Watermark(model="res.partner", write_date=WRITE, record_id=3)

        assert await log.record_page([change(1), change(2), change(3)], mark) == 3
        assert (await marks.get("res.partner")).position == mark.position

        async with store_engine.begin() as connection:
            await connection.execute(text("DROP TABLE capture_watermarks"))
        later = Watermark(model="res.partner", write_date=WRITE, record_id=5)
        with pytest.raises(Exception, match="capture_watermarks"):
            await log.record_page([change(4), change(5)], later)

        assert await log.count() == 3  # the failed page left no change behind

    async def test_a_page_mixing_new_and_known_changes_counts_only_the_new(self, store_engine):
        log = ChangeLog(store_engine)
        mark = Watermark(model="res.partner", write_date=WRITE, record_id=9)
        await log.record(change(1))  # a webhook saw this one first

        page = [change(n, source="poller") for n in (1, 2, 3)]
        assert await log.record_page(page, mark) == 2

        rows = {row.record_id: row for row in await log.latest()}
        assert rows[1].sources == ("webhook", "poller")
        assert rows[1].seen_count == 2
        assert (rows[2].seen_count, rows[2].sources) == (1, ("poller",))

    async def test_the_same_change_twice_in_one_page_is_one_row_seen_twice(self, store_engine):
        log = ChangeLog(store_engine)
        mark = Watermark(model="res.partner", write_date=WRITE, record_id=7)
        early, late = SEEN - timedelta(seconds=1), SEEN + timedelta(seconds=1)

        page = [change(7, source="poller", seen=late), change(7, seen=early)]
        assert await log.record_page(page, mark) == 1

        [row] = await log.latest()
        assert row.seen_count == 2
        assert row.sources == ("webhook", "poller")
        assert row.changed_fields == ("email",)
        assert (row.first_seen_at, row.last_seen_at) == (early, late)

    async def test_a_re_read_overlap_is_not_rewritten_but_its_watermark_moves(self, store_engine):
        log = ChangeLog(store_engine)
        marks = Watermarks(store_engine)
        first = Watermark(model="res.partner", write_date=WRITE, record_id=2)
        later = Watermark(model="res.partner", write_date=WRITE + timedelta(seconds=5), record_id=3)
        await log.record_page([change(1, source="poller"), change(2, source="poller")], first)

        again = [change(n, source="poller") for n in (1, 2, 3)]
        assert await log.record_page(again, later) == 1

        assert [row.seen_count for row in await log.latest()] == [1, 1, 1]
        assert (await marks.get("res.partner")).position == later.position

    async def test_a_new_change_calls_the_listeners_after_its_commit(self, store_engine):
        log = ChangeLog(store_engine)
        mark = Watermark(model="res.partner", write_date=WRITE, record_id=1)
        counts: list[int] = []
        remove = log.on_new_changes(lambda: counts.append(0))

        await log.record(change(1))
        await log.record(change(1))  # a repeat: nothing new
        await log.record_page([change(2, source="poller")], mark)
        remove()
        await log.record(change(3))

        assert len(counts) == 2
