"""The SLO monitor of a running hub: SLI counts flushed, burn rates evaluated, alerts routed.

A hub process of role ``all`` (``serve``, the demo) runs one monitor beside the HTTP app
and the worker. Its objectives are the catalog's (``objectives_from_catalog``); every
integration that reports SLIs without one is held to the settings' default target and
tier. Alerts go where the ``observability`` settings say (page, team channel) and
otherwise become ticket records in the store.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import aiohttp
import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.core.errors import HealthbridgeError
from healthbridge.core.sections.observability import ObservabilitySettings
from healthbridge.governance.catalog.loader import load_catalog
from healthbridge.observability.alert_routing import alert_router_from
from healthbridge.observability.sli import SliRecorder
from healthbridge.observability.slo import SloObjective
from healthbridge.services.slo_status import SloMonitor, objectives_from_catalog
from healthbridge.store.alert_tickets import AlertTickets
from healthbridge.store.sli_samples import SliSamples

log = structlog.get_logger(__name__)


def catalog_objectives(catalog_dir: Path | None, window: timedelta) -> list[SloObjective]:
    """The SLOs the catalog at ``catalog_dir`` declares; none when it is absent or invalid.

    A hub without a catalog still watches every integration at the default target, so a
    missing or broken catalog is logged, not fatal.
    """
    if catalog_dir is None or not catalog_dir.is_dir():
        return []
    try:
        return objectives_from_catalog(load_catalog(catalog_dir), window=window)
    except HealthbridgeError as error:
        log.warning("slo_catalog_not_loaded", error=error.code)
        return []


@asynccontextmanager
async def open_slo_monitor(
    settings: ObservabilitySettings,
    engine: AsyncEngine,
    *,
    recorder: SliRecorder | None = None,
    catalog_dir: Path | None = None,
) -> AsyncIterator[SloMonitor]:
    """Run a ``SloMonitor`` every ``slo_evaluation_interval_seconds`` until exit.

    ``recorder`` is the process's SLI recorder (the one its Odoo call hook feeds); its
    counts are flushed each round and once more on the way out, so a clean stop loses
    none.
    """
    window = timedelta(days=settings.slo_window_days)
    async with aiohttp.ClientSession() as session:
        monitor = SloMonitor(
            SliSamples(engine),
            alert_router_from(settings, session, AlertTickets(engine)),
            declared=catalog_objectives(catalog_dir, window),
            recorder=recorder,
            default_target=settings.slo_default_target,
            default_tier=settings.slo_default_tier,
            window=window,
            retention=timedelta(days=settings.sli_retention_days),
        )
        stop = asyncio.Event()
        task = asyncio.create_task(
            monitor.run(stop, settings.slo_evaluation_interval_seconds), name="healthbridge-slo"
        )
        try:
            yield monitor
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait([task])
            if not task.cancelled() and task.exception() is not None:
                error = task.exception()
                log.warning("slo_monitor_failed", error_type=type(error).__name__)
