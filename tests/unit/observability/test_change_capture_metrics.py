"""Change capture counts what webhooks and the poller each saw, new or already known."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client.parser import text_string_to_metric_families

from healthbridge.observability import HubMetrics, ObservedChangeLog


class _Log:
    """Remembers changes; a change already seen is not new."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    async def record(self, change: str) -> bool:
        first = change not in self.seen
        self.seen.add(change)
        return first

    async def record_page(self, changes: Sequence[str], watermark: int) -> int:
        return sum([await self.record(c) for c in changes])


def _counts(metrics: HubMetrics) -> dict[tuple[str, str], float]:
    return {
        (s.labels["source"], s.labels["outcome"]): s.value
        for f in text_string_to_metric_families(metrics.render().decode())
        if f.name == "healthbridge_change_captures"
        for s in f.samples
        if s.name.endswith("_total")
    }


async def test_webhook_and_poller_observations_are_counted_new_or_seen(
    metrics: HubMetrics,
) -> None:
    log: ObservedChangeLog[str, int] = ObservedChangeLog(_Log(), metrics)
    assert await log.record("partner/1@t1")
    assert not await log.record("partner/1@t1")  # Odoo sent the webhook twice
    assert await log.record_page(["partner/1@t1", "partner/2@t1", "partner/3@t1"], 3) == 2

    assert _counts(metrics) == {
        ("webhook", "new"): 1,
        ("webhook", "seen"): 1,
        ("poller", "new"): 2,
        ("poller", "seen"): 1,
    }


def test_the_intake_queue_length_is_read_at_scrape_time(metrics: HubMetrics) -> None:
    queue = [1, 2, 3]
    metrics.watch_change_intake(lambda: len(queue))
    queue.append(4)
    text = metrics.render().decode()
    [family] = [
        f
        for f in text_string_to_metric_families(text)
        if f.name == "healthbridge_change_intake_pending"
    ]
    assert family.samples[0].value == 4
