"""A 3-node JetStream cluster loses a node mid-stream and no event is lost."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.core.sections.events import StreamSettings
from healthbridge.events import Outgoing, PublishError, open_event_bus
from tests.integration.events.helpers import STOCK, Collector, eventually, stock_event
from tests.support.nats import Cluster, events_settings

TOTAL = 2000
BATCH = 100


async def publish_with_retries(bus, items: list[Outgoing], *, deadline: float) -> None:
    """Publish, re-publishing a batch that was not acknowledged (dedupe makes it safe)."""
    while True:
        try:
            await bus.publish_all(items)
        except PublishError:
            assert time.monotonic() < deadline, "the cluster never accepted the batch"
            await asyncio.sleep(0.2)
        else:
            return


class TestClusterNodeLoss:
    async def test_killing_the_stream_leader_mid_stream_loses_no_event(
        self, nats_cluster: Cluster, events_engine: AsyncEngine, tmp_path: Path
    ):
        deadline = time.monotonic() + 25
        settings = events_settings(
            nats_cluster.urls,
            retention=StreamSettings(replicas=3, max_age_seconds=600),
            publish_ack_timeout_seconds=2.0,
            fetch_batch=256,
        )
        async with open_event_bus(settings, events_engine, data_dir=tmp_path) as bus:
            collector = Collector()
            await bus.subscribe("audit", [STOCK], ["events:read"], collector, start="all")
            stream = bus.topology.stream("inventory")
            info = await bus.js.stream_info(stream)
            assert info.config.num_replicas == 3
            leader = info.cluster.leader
            items = [Outgoing(stock_event(i), f"stock.quant:{i}") for i in range(1, TOTAL + 1)]

            for start in range(0, TOTAL // 2, BATCH):
                await publish_with_retries(bus, items[start : start + BATCH], deadline=deadline)
            nats_cluster.kill(int(leader.removeprefix("n")))
            for start in range(TOTAL // 2, TOTAL, BATCH):
                await publish_with_retries(bus, items[start : start + BATCH], deadline=deadline)

            async def all_arrived() -> bool:  # redeliveries after the failover count once
                return len({r.id for r in collector.received}) >= TOTAL

            await eventually(all_arrived, within=max(1.0, deadline - time.monotonic()))
            values = {r.event.record.value for r in collector.received}
            assert values == {str(i) for i in range(1, TOTAL + 1)}
            info = await bus.js.stream_info(stream)
            assert info.state.messages == TOTAL
            assert info.cluster.leader != leader
