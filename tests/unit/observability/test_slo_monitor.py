"""The SLO monitor loop: flushes SLI counts each round, survives a failing store, stops."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from healthbridge.core.errors import UnavailableError
from healthbridge.observability import AlertRouter, Counts, HubMetrics, SliRecorder, SliSample
from healthbridge.services.slo_status import SloMonitor

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


class _Clock:
    def now(self) -> datetime:
        return NOW

    def monotonic(self) -> float:
        return 0.0


class _Samples:
    """In-memory samples; ``failures`` makes the next adds fail like an unreachable store."""

    def __init__(self) -> None:
        self.rows: list[SliSample] = []
        self.failures = 0
        self.rounds = asyncio.Event()

    async def add(self, samples: Sequence[SliSample]) -> None:
        if self.failures:
            self.failures -= 1
            raise UnavailableError("store unreachable")
        self.rows.extend(samples)

    async def counts(
        self, integration: str, slo: str, now: datetime, windows: Sequence[timedelta]
    ) -> Mapping[timedelta, Counts]:
        mine = [r for r in self.rows if (r.integration, r.slo) == (integration, slo)]
        return {
            w: Counts(
                sum(r.good for r in mine if r.minute > now - w),
                sum(r.total for r in mine if r.minute > now - w),
            )
            for w in windows
        }

    async def objectives(self, since: datetime) -> Sequence[tuple[str, str]]:
        self.rounds.set()
        return sorted({(r.integration, r.slo) for r in self.rows})

    async def prune(self, before: datetime) -> int:
        return 0


async def test_counts_kept_through_a_failed_flush_reach_the_store_later() -> None:
    samples, recorder = _Samples(), SliRecorder(_Clock())
    monitor = SloMonitor(
        samples, AlertRouter(), recorder=recorder, clock=_Clock(), metrics=HubMetrics()
    )
    for good in (True, True, False):
        recorder.record("odoo", "availability", good)
    samples.failures = 1
    stop = asyncio.Event()
    task = asyncio.create_task(monitor.run(stop, interval_seconds=0.01))
    try:
        async with asyncio.timeout(5):
            while not samples.rows:
                samples.rounds.clear()
                await samples.rounds.wait()
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
    assert sum(r.total for r in samples.rows) == 3
    assert sum(r.good for r in samples.rows) == 2


async def test_each_round_publishes_budget_and_burn_as_metrics() -> None:
    samples, metrics = _Samples(), HubMetrics()
    await samples.add([SliSample("odoo", "availability", NOW, 990, 1000)])
    monitor = SloMonitor(samples, AlertRouter(), clock=_Clock(), metrics=metrics)
    [status] = await monitor.evaluate_once()
    text = metrics.render().decode()
    assert status.budget_remaining == -9.0
    assert (
        'healthbridge_slo_burn_rate{integration="odoo",slo="availability",window="5m"} 10.0' in text
    )
    assert (
        'healthbridge_slo_alert_firing{alert="slow",integration="odoo",slo="availability"} 1.0'
        in text
    )


async def test_a_flush_only_loop_writes_counts_and_flushes_once_more_on_stop() -> None:
    samples, recorder = _Samples(), SliRecorder(_Clock())
    monitor = SloMonitor(samples, AlertRouter(), recorder=recorder, clock=_Clock())
    stop = asyncio.Event()
    stop.set()  # stopping at once still flushes what was counted
    recorder.record("gateway", "availability", True)
    await asyncio.wait_for(monitor.run(stop, 60, evaluate=False), 5)
    assert [(r.integration, r.total) for r in samples.rows] == [("gateway", 1)]
