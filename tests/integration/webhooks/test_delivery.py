"""Accepted events become signed webhooks that a real receiver verifies, exactly once."""

from __future__ import annotations

import json

from healthbridge.webhooks import Webhooks
from tests.integration.webhooks.conftest import (
    ORDER,
    STOCK,
    cloud_event,
    eventually,
    verify_with_reference,
)


async def delivered(area: Webhooks, count: int) -> bool:
    return (await area.log.counts())["delivered"] >= count


class TestDelivery:
    async def test_an_accepted_event_arrives_as_a_signed_thin_notification(self, area, receiver):
        endpoint = await area.registry.add("pharmacy", receiver.url, [STOCK])
        receiver.secrets = [endpoint.secret]

        assert await area.accept([cloud_event(1)]) == 1
        await receiver.wait_for(1, within=10)

        [payload] = verify_with_reference(receiver, endpoint.secret)
        assert payload == {
            "type": STOCK,
            "timestamp": "2026-11-24T10:00:00Z",
            "data": {
                "id": "evt-000001",
                "subject": "quant-1",
                "link": "https://hub.example/api/v1/events/evt-000001",
            },
        }
        [got] = receiver.received
        assert got.webhook_id == "evt-000001"
        assert got.headers["traceparent"].startswith("00-0af7651916cd43dd")
        assert "quantity" not in got.body.decode()

    async def test_a_full_payload_goes_only_where_the_policy_allows_it(self, area, receiver):
        endpoint = await area.registry.add(
            "analytics", receiver.url, [STOCK], payload="full", full_payload_allowed=True
        )

        await area.accept([cloud_event(7)])
        await receiver.wait_for(1, within=10)

        [payload] = verify_with_reference(receiver, endpoint.secret)
        assert payload["data"]["payload"] == {"product": "P7", "quantity": 7}

    async def test_an_event_sent_twice_makes_one_delivery(self, area, receiver):
        await area.registry.add("pharmacy", receiver.url, [STOCK])

        await area.accept([cloud_event(1), cloud_event(2)])
        await area.accept([cloud_event(1)])
        await eventually(lambda: delivered(area, 2))

        assert sum((await area.log.counts()).values()) == 2
        assert sorted(r.webhook_id for r in receiver.received) == ["evt-000001", "evt-000002"]

    async def test_only_endpoints_whose_patterns_match_get_the_event(self, area, receiver):
        stock = await area.registry.add("a", receiver.url, ["org.healthbridge.stock.*"])
        orders = await area.registry.add("b", receiver.url, [ORDER])
        everything = await area.registry.add("c", receiver.url, ["*"])

        matched = await area.accept([cloud_event(1), cloud_event(2, type_=ORDER)])

        assert matched == 4
        await eventually(lambda: delivered(area, 4))
        counts = {
            e.id: (await area.log.counts(e.id))["delivered"] for e in (stock, orders, everything)
        }
        assert counts == {stock.id: 1, orders.id: 1, everything.id: 2}

    async def test_a_disabled_endpoint_gets_no_new_deliveries(self, area, receiver):
        endpoint = await area.registry.add("a", receiver.url, [STOCK])
        await area.registry.disable(endpoint.id)

        assert await area.accept([cloud_event(1)]) == 0

    async def test_every_attempt_is_logged_with_status_and_latency(self, area, receiver):
        await area.registry.add("a", receiver.url, [STOCK])
        receiver.fail_with(500, times=2)

        await area.accept([cloud_event(1)])
        await eventually(lambda: delivered(area, 1))

        [delivery] = await area.log.list()
        attempts = await area.log.attempts(delivery.id)
        assert [a.status_code for a in attempts] == [500, 500, 204]
        assert [a.error_kind for a in attempts] == ["http_status", "http_status", None]
        assert attempts[0].response_excerpt == "failing on purpose"
        assert all(a.latency_ms > 0 for a in attempts)
        assert delivery.attempts == 3

    async def test_a_large_batch_is_delivered_in_full(self, area, receiver):
        endpoint = await area.registry.add("a", receiver.url, [STOCK])
        receiver.secrets = [endpoint.secret]

        await area.accept([cloud_event(n) for n in range(500)])
        ids = await receiver.wait_for(500, within=30)

        assert len(ids) == 500
        assert receiver.rejected == 0
        bodies = {json.loads(r.body)["data"]["id"] for r in receiver.received}
        assert bodies == ids
