"""Collapse: one change per (model, id, write_date to the second), whoever saw it how often."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from healthbridge.canonical import OdooChange
from healthbridge.testing import MemoryChangeLog

T0 = datetime(2026, 11, 24, 15, 41, 52, tzinfo=UTC)
BODY = {
    "_action": "Notify hub(#479)",
    "_id": 55,
    "_model": "res.partner",
    "email": "b@example.com",
    "id": 55,
    "name": "Webhook Count Probe B",
    "write_date": "2026-11-24 15:41:51.278667",
}


async def test_thirteen_identical_webhooks_are_one_change_seen_thirteen_times():
    log = MemoryChangeLog()

    firsts = [
        await log.record(OdooChange.from_webhook(json.loads(json.dumps(BODY)), observed_at=T0))
        for _ in range(13)
    ]

    assert firsts == [True] + [False] * 12
    [row] = await log.latest()
    assert row.seen_count == 13
    assert row.sources == ("webhook",)


async def test_a_change_seen_by_the_poller_and_the_webhook_is_one_change_with_both_sources():
    log = MemoryChangeLog()
    polled = OdooChange.from_polled_row(
        "res.partner", {"id": 55, "write_date": "2026-11-24 15:41:51"}, observed_at=T0
    )
    hooked = OdooChange.from_webhook(BODY, observed_at=T0 + timedelta(seconds=3))

    assert await log.record(polled) is True
    assert await log.record(hooked) is False

    [row] = await log.latest()
    assert row.sources == ("webhook", "poller")
    assert row.changed_fields == ("email", "name")  # the webhook's names win over none
    assert row.first_seen_at == T0
    assert row.last_seen_at == T0 + timedelta(seconds=3)


async def test_writes_in_different_seconds_are_different_changes():
    log = MemoryChangeLog()
    later = {**BODY, "write_date": "2026-11-24 15:41:52.000001"}

    await log.record(OdooChange.from_webhook(BODY, observed_at=T0))
    await log.record(OdooChange.from_webhook(later, observed_at=T0))

    assert await log.count() == 2
