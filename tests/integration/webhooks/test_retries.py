"""A receiver down for a while gets its webhooks later; one that never recovers, on re-drive."""

from __future__ import annotations

from datetime import timedelta

from healthbridge.webhooks import open_webhooks
from tests.integration.webhooks.conftest import (
    STOCK,
    cloud_event,
    eventually,
    fast_settings,
    now,
    verify_with_reference,
)


async def counts(area, endpoint_id=None):
    return await area.log.counts(endpoint_id)


class TestRetries:
    async def test_a_receiver_down_for_a_while_gets_everything_once_it_is_back(
        self, engine, receiver
    ):
        settings = fast_settings(retry_schedule_seconds=(0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2))
        async with open_webhooks(settings, engine) as area:
            endpoint = await area.registry.add("a", receiver.url, [STOCK])
            receiver.secrets = [endpoint.secret]
            receiver.fail_with(503)

            await area.accept([cloud_event(n) for n in range(20)])

            async def retried() -> bool:
                return receiver.requests >= 40

            await eventually(retried)
            receiver.recover()
            ids = await receiver.wait_for(20, within=15)

        assert len(ids) == 20
        assert len(verify_with_reference(receiver, endpoint.secret)) == len(receiver.received)
        assert {r.webhook_id for r in receiver.received} == {f"evt-{n:06d}" for n in range(20)}

    async def test_a_receiver_that_always_fails_ends_dead_then_is_re_driven(self, area, receiver):
        endpoint = await area.registry.add("a", receiver.url, [STOCK])
        receiver.fail_with(500)
        await area.accept([cloud_event(1), cloud_event(2)])

        async def dead() -> bool:
            return (await counts(area))["failed"] == 2

        await eventually(dead)
        [delivery, _] = await area.log.list(state="failed")
        assert len(await area.log.attempts(delivery.id)) == 4  # first try + 3 retries
        assert receiver.received == []

        receiver.recover()
        assert await area.log.retry_failed(endpoint_id=endpoint.id) == 2
        ids = await receiver.wait_for(2, within=10)

        assert ids == {"evt-000001", "evt-000002"}

        async def redelivered() -> bool:
            return (await counts(area))["delivered"] == 2

        await eventually(redelivered)
        assert len(await area.log.attempts(delivery.id)) == 5

    async def test_a_manual_retry_resends_the_same_webhook_id(self, area, receiver):
        await area.registry.add("a", receiver.url, [STOCK])
        await area.accept([cloud_event(1)])
        await receiver.wait_for(1, within=10)

        async def settled() -> bool:
            return (await counts(area))["delivered"] == 1

        await eventually(settled)
        [delivery] = await area.log.list()
        await area.log.retry_delivery(delivery.id)

        async def twice() -> bool:
            return len(receiver.received) == 2

        await eventually(twice)
        assert [r.webhook_id for r in receiver.received] == ["evt-000001", "evt-000001"]
        assert receiver.received[0].body == receiver.received[1].body
        assert sum((await counts(area)).values()) == 1

    async def test_retrying_everything_since_a_time_leaves_older_failures_alone(
        self, area, receiver
    ):
        await area.registry.add("a", receiver.url, [STOCK])
        receiver.fail_with(500)
        await area.accept([cloud_event(1)])

        async def dead(count: int):
            async def check() -> bool:
                return (await counts(area))["failed"] == count

            return check

        await eventually(await dead(1))
        cutoff = now()
        await area.accept([cloud_event(2)])
        await eventually(await dead(2))
        receiver.recover()

        assert await area.log.retry_failed(since=cutoff) == 1
        await receiver.wait_for(1, within=10)
        assert receiver.ids() == {"evt-000002"}

    async def test_retry_after_from_a_429_is_honoured(self, area, receiver):
        await area.registry.add("a", receiver.url, [STOCK])
        receiver.fail_with(429, times=1, retry_after="1")
        started = now()

        await area.accept([cloud_event(1)])
        await receiver.wait_for(1, within=10)

        async def settled() -> bool:
            return (await counts(area))["delivered"] == 1

        await eventually(settled)
        [delivery] = await area.log.list()
        attempts = await area.log.attempts(delivery.id)
        assert attempts[0].status_code == 429
        assert attempts[1].started_at - started >= timedelta(seconds=1)
