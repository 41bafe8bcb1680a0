"""Ordering when asked for: per entity in order, entities in parallel; per endpoint serial."""

from __future__ import annotations

import json

import pytest

from healthbridge.webhooks import open_webhooks
from tests.integration.webhooks.conftest import STOCK, cloud_event, fast_settings


def arrival_by_subject(receiver):
    seen: dict[str, list[str]] = {}
    for item in receiver.received:
        data = json.loads(item.body)["data"]
        seen.setdefault(data["subject"], []).append(item.webhook_id)
    return seen


class TestOrdering:
    @pytest.mark.parametrize("ordering", ["per_entity", "per_endpoint"])
    async def test_events_about_one_record_arrive_in_order_despite_failures(
        self, engine, receiver, ordering
    ):
        events = [cloud_event(n, subject=f"po-{n % 3}") for n in range(30)]
        settings = fast_settings(retry_schedule_seconds=(0.02,) * 10)
        async with open_webhooks(settings, engine) as area:
            await area.registry.add("a", receiver.url, [STOCK], ordering=ordering)
            receiver.fail_with(500, times=7)

            await area.accept(events[:15])
            await area.accept(events[15:])
            await receiver.wait_for(30, within=20)

        for subject, ids in arrival_by_subject(receiver).items():
            expected = [e["id"] for e in events if e["subject"] == subject]
            assert ids == expected, subject
        if ordering == "per_endpoint":
            assert [r.webhook_id for r in receiver.received] == [e["id"] for e in events]

    async def test_different_records_are_delivered_in_parallel(self, area, receiver):
        await area.registry.add("a", receiver.url, [STOCK], ordering="per_entity")
        receiver.slow_down(0.2)

        await area.accept([cloud_event(n, subject=f"po-{n}") for n in range(10)])
        await receiver.wait_for(10, within=10)

        arrivals = [r.received_at for r in receiver.received]
        assert max(arrivals) - min(arrivals) < 0.2 * 5  # serial would take 2 s
