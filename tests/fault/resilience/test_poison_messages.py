"""Poison messages end in the dead-letter store with their errors; the rest flow on.

A stream of stock events goes through one subscription on an external nats-server. One
event makes the handler raise every time, one event's data does not fit its contract.
Both must land in the dead-letter store after ``MAX_DELIVERIES`` attempts, each with the
error of every attempt, while every other event is handled exactly once; after the
handler is "fixed", re-driving the dead letter delivers it once more, and only once.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.canonical.events import StockLevelChanged
from healthbridge.core.errors import HealthbridgeError
from healthbridge.events import ACK, EventBus, Outcome, Outgoing, ReceivedEvent, open_event_bus
from healthbridge.store import create_store_engine, upgrade
from tests.fault.resilience.processes import NatsProcess, eventually, summary
from tests.integration.events.helpers import STOCK, stock_event
from tests.support.nats import events_settings

pytestmark = pytest.mark.slow

EVENTS = 300
POISON_QUANT = 137
MAX_DELIVERIES = 3
READ_ALL = ["events:read"]


class DownstreamRefusedError(HealthbridgeError):
    code = "drill.downstream_refused"


class Handler:
    """Counts deliveries per event id; refuses the poison quant while ``broken``."""

    def __init__(self) -> None:
        self.deliveries: Counter[str] = Counter()
        self.handled: Counter[str] = Counter()
        self.broken = True

    async def __call__(self, received: ReceivedEvent) -> Outcome:
        self.deliveries[received.id] += 1
        event = received.event
        assert isinstance(event, StockLevelChanged)
        if self.broken and event.record.value == str(POISON_QUANT):
            raise DownstreamRefusedError("the ward system refused this stock level")
        self.handled[received.id] += 1
        return ACK


@pytest.fixture
async def bus_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = f"sqlite+aiosqlite:///{(tmp_path / 'bus.db').as_posix()}"
    await upgrade(url)
    engine = create_store_engine(url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def bus(
    nats_process: NatsProcess, bus_engine: AsyncEngine, tmp_path: Path
) -> AsyncIterator[EventBus]:
    settings = events_settings(nats_process.url, max_deliveries=MAX_DELIVERIES)
    async with open_event_bus(settings, bus_engine, data_dir=tmp_path) as opened:
        yield opened


async def publish_invalid(bus: EventBus, quant: int) -> str:
    """Publish a stock event whose data lacks its quantity (it fails its contract)."""
    envelope = bus.publisher.envelope(stock_event(quant), source_key=f"bad:{quant}")
    data = json.loads(envelope.body())
    data.pop("quantity")
    subject = bus.topology.subject(STOCK)
    await bus.publisher.publish_raw(
        [(subject, envelope.headers(), json.dumps(data).encode())], [envelope.id]
    )
    return envelope.id


class TestPoisonMessages:
    async def test_poison_events_are_dead_lettered_with_every_error_and_redriven_once(
        self, bus: EventBus
    ) -> None:
        handler = Handler()
        worker = await bus.subscribe("ward-stock", [STOCK], READ_ALL, handler)
        started = time.monotonic()
        published = await bus.publish_all(
            [Outgoing(stock_event(quant), f"stock.quant:{quant}:v1") for quant in range(EVENTS)]
        )
        invalid_id = await publish_invalid(bus, EVENTS + 1)
        poison_id = next(p.event_id for i, p in enumerate(published) if i == POISON_QUANT)
        healthy = {p.event_id for p in published} - {poison_id}

        async def flowed() -> bool:
            return healthy <= set(handler.handled)

        await eventually(flowed, within=30, what="every healthy event handled")
        flowed_s = time.monotonic() - started

        async def dead() -> bool:
            return await bus.dead_letters.count(status="dead") == 2

        await eventually(dead, within=30, what="both poison events dead-lettered")
        letters = {letter.event_id: letter for letter in await bus.dead_letters.latest()}
        assert set(letters) == {poison_id, invalid_id}
        poison, invalid = letters[poison_id], letters[invalid_id]
        assert poison.attempts == MAX_DELIVERIES
        assert [e["attempt"] for e in poison.errors] == list(range(1, MAX_DELIVERIES + 1))
        assert {e["code"] for e in poison.errors} == {"drill.downstream_refused"}
        assert invalid.attempts == MAX_DELIVERIES
        assert {e["code"] for e in invalid.errors} == {"events.invalid_data"}
        assert handler.deliveries[poison_id] == MAX_DELIVERIES
        assert all(handler.handled[event_id] == 1 for event_id in healthy)

        await worker.stop()
        handler.broken = False  # the downstream fix
        fixed = await bus.subscribe("ward-stock", [STOCK], READ_ALL, handler)
        await bus.redrive(poison.id)

        async def redriven() -> bool:
            return handler.handled[poison_id] == 1

        await eventually(redriven, within=15, what="the re-driven event handled")
        await asyncio.sleep(1.0)  # a second delivery would arrive within this
        await fixed.stop()
        assert handler.handled[poison_id] == 1
        after = await bus.dead_letters.get(poison.id)
        assert after is not None
        assert after.status == "redriven"
        assert sum(handler.handled.values()) == EVENTS
        print(
            "\npoison:",
            summary(
                events=EVENTS,
                healthy_handled_once=len(healthy),
                healthy_flowed_s=round(flowed_s, 2),
                dead_letters=len(letters),
                poison_attempts=poison.attempts,
                invalid_attempts=invalid.attempts,
                redriven_deliveries=handler.handled[poison_id],
            ),
        )
