"""A relay run in its own process so a fault test can SIGKILL it mid-way.

Usage: python -m tests.fault.events.relay_process STORE_URL NATS_URL SUBJECT_PREFIX STREAM_PREFIX
It relays every change in the store as stock-level events, slowly (a pause after each
published page, before the cursor moves: the window a crash is most harmful in).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from healthbridge.events import open_event_bus
from healthbridge.services.change_events import ChangeRelay
from healthbridge.store import create_store_engine
from healthbridge.store.changes import ChangeLog
from healthbridge.store.event_cursors import RelayCursors
from tests.support.nats import events_settings

PAGE = 50


class QuantOdoo:
    """Answers ``read`` of stock.quant with a quantity derived from the id."""

    async def read(
        self,
        model: str,
        ids: Sequence[int],
        fields: Sequence[str] | None = None,
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        return [
            {
                "id": i,
                "product_id": [3, "Gauze"],
                "location_id": [8, "WH/Stock"],
                "lot_id": False,
                "quantity": float(i),
                "reserved_quantity": 0.0,
            }
            for i in ids
        ]


class SlowPublisher:
    def __init__(self, bus: Any) -> None:
        self._bus = bus

    async def publish_all(self, items: Sequence[Any]) -> Sequence[object]:
        published = await self._bus.publish_all(items)
        await asyncio.sleep(0.05)
        return published


async def main(store_url: str, nats_url: str, subject_prefix: str, stream_prefix: str) -> None:
    settings = events_settings(nats_url, subject_prefix=subject_prefix, stream_prefix=stream_prefix)
    engine = create_store_engine(store_url)
    try:
        async with open_event_bus(settings, engine, data_dir=Path(store_url)) as bus:
            relay = ChangeRelay(
                ChangeLog(engine),
                RelayCursors(engine),
                SlowPublisher(bus),
                QuantOdoo(),  # type: ignore[arg-type]
                page_size=PAGE,
            )
            await relay.run_until_idle()
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
