"""A poller in its own process, for the SIGKILL tests.

``python poller_process.py STORE_URL fake N`` polls a deterministic in-memory Odoo (the
same N partners, write_dates and ids in every run); ``python poller_process.py STORE_URL
odoo URL DATABASE API_KEY`` polls a real Odoo (the sandbox process) over HTTP as
``hub-integration``. Either way it reads slowly, prints ``page <rows>`` after each
committed page and ``done <json>`` at the end, so the test can kill it between pages.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr

from healthbridge.canonical import OdooChange, Watermark
from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.settings import OdooSettings
from healthbridge.services import ChangePoller
from healthbridge.store import ChangeLog, Watermarks, create_store_engine
from healthbridge.testing import FakeClock, FakeOdoo

PAGE_SIZE = 10
BATCH = 7  # partners per write_date second: pages and seconds never line up
START = datetime(2026, 11, 24, 15, 0, 0, 278667, tzinfo=UTC)
READ_DELAY = 0.03


class SlowOdoo(FakeOdoo):
    """Each read takes a moment, so a kill lands between pages."""

    async def search_read(self, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        await asyncio.sleep(READ_DELAY)
        return await super().search_read(*args, **kwargs)


class SlowReads:
    """Wraps a real client so each poller read takes a moment longer."""

    def __init__(self, odoo: OdooClient) -> None:
        self._odoo = odoo

    async def search_read(self, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        await asyncio.sleep(READ_DELAY)
        return await self._odoo.search_read(*args, **kwargs)


class AnnouncingLog(ChangeLog):
    """Says on stdout when each page (and its watermark) is committed."""

    async def record_page(self, changes: Sequence[OdooChange], watermark: Watermark) -> int:
        new = await super().record_page(changes, watermark)
        print(f"page {len(changes)}", flush=True)
        return new


async def seeded_odoo(count: int) -> FakeOdoo:
    clock = FakeClock(START)
    odoo = SlowOdoo(clock=clock)
    for first in range(0, count, BATCH):
        size = min(BATCH, count - first)
        await odoo.create("res.partner", [{"name": f"P{first + i}"} for i in range(size)])
        clock.advance(1)
    return odoo


async def poll(store_url: str, odoo: Any) -> None:
    engine = create_store_engine(store_url)
    try:
        poller = ChangePoller(
            odoo,
            AnnouncingLog(engine),
            Watermarks(engine),
            models=["res.partner"],
            page_size=PAGE_SIZE,
            overlap_seconds=2,
        )
        report = await poller.run_once()
        if report.failed:
            raise SystemExit(f"poll failed: {report.models}")
        print("done " + json.dumps({"seen": report.seen, "new": report.new}), flush=True)
    finally:
        await engine.dispose()


async def main(argv: list[str]) -> None:
    store_url, mode, *rest = argv
    if mode == "fake":
        await poll(store_url, await seeded_odoo(int(rest[0])))
        return
    url, database, api_key = rest
    settings = OdooSettings(
        url=url, database=database, login="hub-integration", api_key=SecretStr(api_key)
    )
    async with await OdooClient.connect(settings) as odoo:
        await poll(store_url, SlowReads(odoo))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
