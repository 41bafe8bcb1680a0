"""SLI samples, business events and tickets on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.observability import BusinessEventRecorder, Counts, SliRecorder, SliSample, span
from healthbridge.store.business_events import BusinessEvents
from healthbridge.store.sli_samples import SliSamples

NOW = datetime(2026, 11, 24, 12, 0, 45, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


class TestSliSamples:
    async def test_windows_count_the_minutes_ending_with_the_current_one(
        self, store_engine: AsyncEngine
    ) -> None:
        samples = SliSamples(store_engine)
        # One minute each: 10 events, minute m ago has m bad ones (m = 0..59).
        await samples.add(
            [
                SliSample("odoo", "availability", NOW - m * MINUTE, 10 - min(m, 10), 10)
                for m in range(60)
            ]
        )
        counts = await samples.counts(
            "odoo", "availability", NOW, [5 * MINUTE, 30 * MINUTE, timedelta(hours=1)]
        )
        assert counts[5 * MINUTE] == Counts(good=50 - (0 + 1 + 2 + 3 + 4), total=50)
        assert counts[30 * MINUTE].total == 300
        assert counts[timedelta(hours=1)] == Counts(good=600 - 45 - 50 * 10, total=600)

    async def test_flushes_of_the_same_minute_add_up(self, store_engine: AsyncEngine) -> None:
        samples = SliSamples(store_engine)
        await asyncio.gather(
            *(samples.add([SliSample("odoo", "latency", NOW, 9, 10)]) for _ in range(5))
        )
        counts = await samples.counts("odoo", "latency", NOW, [MINUTE])
        assert counts[MINUTE] == Counts(45, 50)

    async def test_other_integrations_and_slos_are_not_counted(
        self, store_engine: AsyncEngine
    ) -> None:
        samples = SliSamples(store_engine)
        await samples.add(
            [
                SliSample("odoo", "availability", NOW, 1, 1),
                SliSample("odoo", "latency", NOW, 0, 7),
                SliSample("payer", "availability", NOW, 0, 3),
            ]
        )
        counts = await samples.counts("odoo", "availability", NOW, [MINUTE])
        assert counts[MINUTE] == Counts(1, 1)
        assert await samples.objectives(NOW - MINUTE) == [
            ("odoo", "availability"),
            ("odoo", "latency"),
            ("payer", "availability"),
        ]

    async def test_pruning_removes_only_older_minutes(self, store_engine: AsyncEngine) -> None:
        samples = SliSamples(store_engine)
        await samples.add(
            [
                SliSample("odoo", "availability", NOW - d * timedelta(days=1), 1, 1)
                for d in range(40)
            ]
        )
        # Minute starts are 12:00:00, so the one 35 days ago is before the 12:00:45 cut.
        assert await samples.prune(NOW - timedelta(days=35)) == 5
        counts = await samples.counts("odoo", "availability", NOW, [timedelta(days=40)])
        assert counts[timedelta(days=40)].total == 35

    async def test_a_recorder_flushed_to_the_store_keeps_every_event(
        self, store_engine: AsyncEngine
    ) -> None:
        class Clock:
            def now(self) -> datetime:
                return NOW

            def monotonic(self) -> float:
                return 0.0

        recorder = SliRecorder(Clock())
        for n in range(1000):
            recorder.record("odoo", "availability", good=n % 100 != 0)
        recorder.record("odoo", "availability", good=True, at=NOW - 2 * MINUTE)
        await SliSamples(store_engine).add(recorder.drain())
        assert recorder.drain() == []
        counts = await SliSamples(store_engine).counts("odoo", "availability", NOW, [5 * MINUTE])
        assert counts[5 * MINUTE] == Counts(991, 1001)


class TestBusinessEvents:
    async def test_a_step_recorded_twice_is_kept_once(self, store_engine: AsyncEngine) -> None:
        events = BusinessEvents(store_engine)
        assert await events.record("supply:SR-1", "purchase_order", "odoo", "purchase.order/7", NOW)
        assert not await events.record(
            "supply:SR-1", "purchase_order", "odoo", "purchase.order/7", NOW + MINUTE
        )
        assert len(await events.timeline("supply:SR-1")) == 1

    async def test_the_timeline_is_oldest_first_with_the_trace_id(
        self, store_engine: AsyncEngine, spans: object
    ) -> None:
        recorder = BusinessEventRecorder(BusinessEvents(store_engine))
        with span("api") as current:
            await recorder.record_business_event(
                "supply:SR-2", "purchase_order", "odoo", "purchase.order/9", NOW + MINUTE
            )
            trace_id = format(current.get_span_context().trace_id, "032x")
        await recorder.record_business_event("supply:SR-2", "supply_request", "hub", "SR-2", NOW)
        steps = await BusinessEvents(store_engine).timeline("supply:SR-2")
        assert [(s.step, s.record_ref) for s in steps] == [
            ("supply_request", "SR-2"),
            ("purchase_order", "purchase.order/9"),
        ]
        assert steps[0].trace_id is None
        assert steps[1].trace_id == trace_id
        assert steps[1].occurred_at == NOW + MINUTE

    async def test_recent_keys_are_the_latest_active_first(self, store_engine: AsyncEngine) -> None:
        events = BusinessEvents(store_engine)
        await events.record("a", "admission", "ehr", "V1", NOW)
        await events.record("b", "admission", "ehr", "V2", NOW + MINUTE)
        await events.record("a", "patient", "odoo", "res.partner/1", NOW + 2 * MINUTE)
        assert list(await events.recent_keys(5)) == ["a", "b"]

    async def test_an_empty_or_oversized_reference_is_refused(
        self, store_engine: AsyncEngine
    ) -> None:
        events = BusinessEvents(store_engine)
        with pytest.raises(ValueError, match="record_ref"):
            await events.record("k", "payment", "odoo", "", NOW)
        with pytest.raises(ValueError, match="business_key"):
            await events.record("k" * 201, "payment", "odoo", "x", NOW)
