"""A slow webhook receiver does not slow the synchronous API (the bulkheads hold).

One hub, one registered endpoint for every event type, Odoo changes flowing the whole
time. The availability read is measured twice: while the receiver answers at once, and
while it answers after ``SLOW_SECONDS``, so the outbound deliveries pile up in flight.
The p99 of the second run must stay within a small factor of the first and far below
the receiver's delay: the webhook dispatcher has its own concurrency limits and queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time

import httpx
import pytest

from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.sections.webhooks import WebhooksSettings
from healthbridge.sandbox.receiver import WebhookReceiver
from healthbridge.store import create_store_engine
from healthbridge.webhooks import open_webhooks
from tests.fault.resilience.conftest import HubFactory
from tests.fault.resilience.processes import HubClient, register_client, summary
from tests.fault.resilience.test_odoo_outage import a_supplier_and_product

pytestmark = pytest.mark.slow

SLOW_SECONDS = 2.0
READS = 150
"""Availability reads per run."""
WARM_UP_READS = 30


def p99(latencies: list[float]) -> float:
    return statistics.quantiles(latencies, n=100, method="inclusive")[98]


async def register_endpoint(store_url: str, url: str) -> str:
    """Register an endpoint for every event type before the hub starts; its secret."""
    engine = create_store_engine(store_url)
    try:
        async with open_webhooks(WebhooksSettings(), engine, dispatch=False) as area:
            endpoint = await area.registry.add("ward-crm", url, ["org.healthbridge.*"])
    finally:
        await engine.dispose()
    return endpoint.secret


async def keep_changing(odoo: OdooClient, stop: asyncio.Event) -> int:
    """Create partners in small batches until ``stop``: a steady flow of events."""
    made = 0
    while not stop.is_set():
        await odoo.create("res.partner", [{"name": f"Flow {made + n}"} for n in range(10)])
        made += 10
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.1)
    return made


async def measure(http: httpx.AsyncClient, gtin: str, reads: int = READS) -> list[float]:
    latencies = []
    for _ in range(reads):
        started = time.perf_counter()
        answer = await http.get("/api/v1/inventory/availability", params={"product": gtin})
        latencies.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.text
    return latencies


class TestSlowWebhookReceiver:
    async def test_a_receiver_answering_after_two_seconds_leaves_the_read_p99_alone(
        self, odoo_admin: OdooClient, hub_factory: HubFactory, store_url_of_hub: str
    ) -> None:
        _, gtin = await a_supplier_and_product(odoo_admin)
        client = HubClient(*await register_client(store_url_of_hub, "inventory.read"))
        async with WebhookReceiver() as receiver:
            secret = await register_endpoint(store_url_of_hub, receiver.url)
            receiver.secrets = [secret]
            hub = hub_factory(HEALTHBRIDGE_GATEWAY__QUOTA_DEFAULT="100000/minute")
            hub.start()
            token = await client.token(hub.url)
            auth = {"Authorization": f"Bearer {token}"}
            stop = asyncio.Event()
            flow = asyncio.create_task(keep_changing(odoo_admin, stop))
            try:
                async with httpx.AsyncClient(base_url=hub.url, headers=auth, timeout=10) as http:
                    await measure(http, gtin, WARM_UP_READS)  # caches, connections
                    fast_from = receiver.requests
                    fast = await measure(http, gtin)
                    fast_deliveries = receiver.requests - fast_from
                    receiver.slow_down(SLOW_SECONDS)
                    slow_from = receiver.requests
                    slow = await measure(http, gtin)
                    slow_deliveries = receiver.requests - slow_from
            finally:
                stop.set()
                made = await flow
        print(
            "\nslow-receiver:",
            summary(
                reads_per_run=READS,
                p99_fast_receiver_ms=round(p99(fast) * 1000, 1),
                p99_slow_receiver_ms=round(p99(slow) * 1000, 1),
                median_fast_ms=round(statistics.median(fast) * 1000, 1),
                median_slow_ms=round(statistics.median(slow) * 1000, 1),
                deliveries_during_fast=fast_deliveries,
                deliveries_started_during_slow=slow_deliveries,
                changes_made=made,
            ),
        )
        assert fast_deliveries > 0, "no webhook was delivered: the drill measured nothing"
        assert slow_deliveries > 0, "no delivery reached the slow receiver"
        assert p99(slow) < SLOW_SECONDS / 4
        assert p99(slow) <= max(2 * p99(fast), p99(fast) + 0.05)
