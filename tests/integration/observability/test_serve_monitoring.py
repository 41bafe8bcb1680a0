"""``serve`` runs the SLO monitor and the timeline recorder, and stops both with the hub.

The process is assembled by ``serving`` as ``healthbridge serve`` runs it: an embedded
Odoo sandbox, an embedded NATS server, SQLite, on a free port. The Odoo calls the hub
makes are SLI events; the monitor writes them to the store while it runs and flushes the
last of them on the way out.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from healthbridge.cli.demo_cmd import serving
from healthbridge.core.clock import utc_now
from healthbridge.core.sections.observability import ObservabilitySettings
from healthbridge.core.settings import ServerSettings, Settings
from healthbridge.store import create_store_engine
from healthbridge.store.sli_samples import SliSamples
from healthbridge.timeline_worker import TIMELINE_SUBSCRIPTION

WAIT = 20.0


async def eventually(check: Callable[[], Awaitable[bool]], within: float = WAIT) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "the condition did not hold in time"
        await asyncio.sleep(0.1)


def _monitors() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t.get_name() == "healthbridge-slo"]


async def test_serve_runs_the_slo_monitor_and_the_timeline_recorder_until_it_stops(
    tmp_path: Path,
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        server=ServerSettings(host="127.0.0.1", port=0),
        # One round at start, the next a minute away: only the stop can flush a later call.
        observability=ObservabilitySettings(slo_evaluation_interval_seconds=60.0),
    )
    hour = [timedelta(hours=1)]
    async with serving(settings) as (hub, url, sandbox_url):
        assert url.startswith("http://127.0.0.1:")
        assert sandbox_url is not None
        assert len(_monitors()) == 1
        consumers = await hub.events.consumers(TIMELINE_SUBSCRIPTION)
        # One durable consumer per stream it reads: inventory, purchasing, billing.
        assert len(consumers) == 3
        samples = SliSamples(hub.store.engine)

        async def odoo_counted() -> bool:
            counts = await samples.counts("odoo", "availability", utc_now(), hour)
            return counts[hour[0]].total > 0

        await eventually(odoo_counted)
        before = (await samples.counts("odoo", "availability", utc_now(), hour))[hour[0]].total
        await hub.odoo.search_count("res.partner")
        store_url = hub.settings.store_url()
    assert _monitors() == []
    engine = create_store_engine(store_url)
    try:
        after = await SliSamples(engine).counts("odoo", "availability", utc_now(), hour)
    finally:
        await engine.dispose()
    # The call made just before the stop was flushed on the way out, not lost.
    assert after[hour[0]].total >= before + 1
