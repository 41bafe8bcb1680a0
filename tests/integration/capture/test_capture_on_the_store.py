"""Webhook intake and poller together on a real store (SQLite and PostgreSQL), Odoo faked."""

from __future__ import annotations

import asyncio
import json

from healthbridge.services import ChangeIntake, ChangePoller
from healthbridge.store import ChangeLog, Watermarks, create_store_engine
from healthbridge.testing import FakeOdoo


def poller(odoo, engine, *, page_size=20):
    return ChangePoller(
        odoo,
        ChangeLog(engine),
        Watermarks(engine),
        models=["res.partner"],
        page_size=page_size,
        overlap_seconds=2,
        poll_interval_seconds=0.01,
    )


def webhook_body(row: dict) -> dict:
    # What a rule with fields name, write_date would send: microseconds included.
    return {
        "_action": "Healthbridge: res.partner(#1)",
        "_id": row["id"],
        "_model": "res.partner",
        "id": row["id"],
        "name": row["name"],
        "write_date": row["write_date"].strftime("%Y-%m-%d %H:%M:%S.%f"),
    }


class TestCaptureOnTheStore:
    async def test_a_change_seen_by_webhook_and_by_poller_is_one_row(self, store_engine):
        odoo = FakeOdoo()
        [partner] = await odoo.create("res.partner", [{"name": "Ward 7"}])
        intake = ChangeIntake(ChangeLog(store_engine))
        await intake.start()
        try:
            for _ in range(2):  # Odoo sends a rule without trigger fields twice
                intake.accept(json.loads(json.dumps(webhook_body(odoo.records("res.partner")[0]))))
            await asyncio.wait_for(intake.drain(), 5)
        finally:
            await intake.stop()

        await poller(odoo, store_engine).run_once()

        [row] = await ChangeLog(store_engine).latest()
        assert row.record_id == partner
        assert row.sources == ("webhook", "poller")
        assert row.seen_count == 3
        assert row.changed_fields == ("name",)

    async def test_the_poller_under_concurrent_writes_catches_every_change_once(self, store_engine):
        odoo = FakeOdoo()
        ids = await odoo.create("res.partner", [{"name": f"P{i}"} for i in range(40)])
        stop = asyncio.Event()
        running = asyncio.create_task(poller(odoo, store_engine, page_size=7).run(stop))
        expected = set()
        for round_ in range(30):
            targets = ids[round_ % 40 : round_ % 40 + 3]
            await odoo.write("res.partner", targets, {"ref": str(round_)})
            await asyncio.sleep(0.01)
        for record in odoo.records("res.partner"):
            expected.add(record["id"])
        await asyncio.sleep(0.1)
        stop.set()
        await asyncio.wait_for(running, 10)
        await poller(odoo, store_engine, page_size=7).run_once()  # a last round after writes stop

        log = ChangeLog(store_engine)
        rows = await log.since(0, limit=10_000)
        keys = [row.key for row in rows]
        assert len(keys) == len(set(keys))
        latest = {
            (r["id"], r["write_date"].replace(microsecond=0)) for r in odoo.records("res.partner")
        }
        assert latest <= {(row.record_id, row.write_date.replace(tzinfo=None)) for row in rows}
        assert {row.record_id for row in rows} == expected

    async def test_a_poller_over_a_new_engine_resumes_from_the_stored_watermark(self, store_url):
        odoo = FakeOdoo()
        await odoo.create("res.partner", [{"name": f"P{i}"} for i in range(25)])
        first = create_store_engine(store_url)
        try:
            report = await poller(odoo, first, page_size=10).run_once()
            assert report.new == 25
        finally:
            await first.dispose()
        await odoo.create("res.partner", [{"name": "late"}])

        second = create_store_engine(store_url)
        try:
            report = await poller(odoo, second, page_size=10).run_once()
            count = await ChangeLog(second).count()
        finally:
            await second.dispose()

        assert report.new == 1
        assert count == 26
