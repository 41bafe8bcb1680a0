"""Operators stay in control: pause, kill switches, the wake window, rotation, auto-disable."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from healthbridge.core.clock import SystemClock
from healthbridge.sandbox.receiver import WebhookReceiver
from healthbridge.webhooks import open_webhooks
from tests.integration.webhooks.conftest import STOCK, cloud_event, eventually, fast_settings


class ShiftedClock(SystemClock):
    """The real clock, moved forward on demand (to age held deliveries past the window)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def state_count(area, state, count, endpoint_id=None):
    async def check() -> bool:
        return (await area.log.counts(endpoint_id))[state] == count

    return check


class TestOperatorControls:
    async def test_a_paused_endpoint_holds_its_deliveries_until_resumed(self, area, receiver):
        held = await area.registry.add("a", receiver.url, [STOCK])
        probe = await area.registry.add("b", receiver.url, [STOCK])
        await area.registry.pause(held.id)

        await area.accept([cloud_event(1)])
        await eventually(state_count(area, "delivered", 1, probe.id))
        assert (await area.log.counts(held.id))["pending"] == 1

        assert await area.registry.resume(held.id) == 0
        await eventually(state_count(area, "delivered", 1, held.id))

    async def test_resuming_never_wakes_deliveries_older_than_the_window(self, engine, receiver):
        clock = ShiftedClock()
        settings = fast_settings(wake_window_seconds=60)
        async with open_webhooks(settings, engine, clock=clock) as area:
            endpoint = await area.registry.add("a", receiver.url, [STOCK])
            await area.registry.pause(endpoint.id)
            await area.accept([cloud_event(1)])
            clock.offset = timedelta(seconds=61)
            await area.accept([cloud_event(2)])

            assert await area.registry.resume(endpoint.id) == 1
            await eventually(state_count(area, "delivered", 1))

            [expired] = await area.log.list(state="expired")
            assert expired.event_id == "evt-000001"
            assert receiver.ids() == {"evt-000002"}
            await area.log.retry_delivery(expired.id)
            await receiver.wait_for(2, within=10)

    async def test_a_consumer_kill_switch_stops_that_consumer_only(self, area, receiver):
        stopped = await area.registry.add("stopped", receiver.url, [STOCK])
        probe = await area.registry.add("other", receiver.url, [STOCK])
        await area.registry.engage_kill_switch("consumer", "stopped", reason="incident 42")

        await area.accept([cloud_event(1)])
        await eventually(state_count(area, "delivered", 1, probe.id))
        assert (await area.log.counts(stopped.id))["pending"] == 1
        assert [k.target for k in await area.registry.kill_switches()] == ["stopped"]

        await area.registry.release_kill_switch("consumer", "stopped")
        await eventually(state_count(area, "delivered", 1, stopped.id))

    async def test_an_endpoint_kill_switch_stops_its_retries_at_once(self, area, receiver):
        endpoint = await area.registry.add("a", receiver.url, [STOCK])
        receiver.fail_with(500)
        await area.accept([cloud_event(1)])

        async def tried() -> bool:
            return receiver.requests >= 1

        await eventually(tried)
        await area.registry.engage_kill_switch("endpoint", endpoint.id)
        await eventually(state_count(area, "pending", 1))
        seen = receiver.requests
        await asyncio.sleep(0.3)  # several poll intervals: a live retry would have gone out

        assert receiver.requests <= seen + 1  # at most the one already in flight
        receiver.recover()
        await area.registry.release_kill_switch("endpoint", endpoint.id)
        await eventually(state_count(area, "delivered", 1))

    async def test_the_global_kill_switch_holds_everything(self, area, receiver):
        await area.registry.add("a", receiver.url, [STOCK])
        await area.registry.engage_kill_switch("global")

        await area.accept([cloud_event(1), cloud_event(2)])
        await asyncio.sleep(0.3)  # several poll intervals
        assert receiver.requests == 0

        await area.registry.release_kill_switch("global")
        await receiver.wait_for(2, within=10)

    async def test_during_a_rotation_both_secrets_verify_and_after_it_only_the_new(
        self, area, receiver
    ):
        endpoint = await area.registry.add("a", receiver.url, [STOCK])
        new_secret = await area.registry.rotate_secret(endpoint.id, overlap_seconds=3600)

        await area.accept([cloud_event(1)])
        await receiver.wait_for(1, within=10)
        overlapping = receiver.received[0]
        assert len(overlapping.signature.split(" ")) == 2
        Webhook(endpoint.secret).verify(overlapping.body, overlapping.headers)
        Webhook(new_secret).verify(overlapping.body, overlapping.headers)

        newest = await area.registry.rotate_secret(endpoint.id, overlap_seconds=0)
        await area.accept([cloud_event(2)])
        await receiver.wait_for(2, within=10)
        after = receiver.received[1]
        assert len(after.signature.split(" ")) == 1
        Webhook(newest).verify(after.body, after.headers)
        with pytest.raises(WebhookVerificationError):
            Webhook(new_secret).verify(after.body, after.headers)

    async def test_an_endpoint_failing_too_long_is_disabled_and_its_owner_told(self, engine):
        async with WebhookReceiver() as receiver, WebhookReceiver() as owner_inbox:
            settings = fast_settings(
                retry_schedule_seconds=(0.05,) * 50,
                disable_after_failing_seconds=0.3,
                owner_notification_url=owner_inbox.url,
            )
            async with open_webhooks(settings, engine) as area:
                endpoint = await area.registry.add(
                    "a", receiver.url, [STOCK], owner_contact="integration-team@example.org"
                )
                receiver.fail_with(503)
                await area.accept([cloud_event(1)])

                async def disabled() -> bool:
                    return not (await area.registry.get(endpoint.id)).enabled

                await eventually(disabled)

                async def recorded() -> bool:
                    return len(await area.registry.notifications(endpoint.id)) == 1

                await eventually(recorded)
                [note] = await area.registry.notifications(endpoint.id)
                assert note.kind == "endpoint_disabled"
                assert note.owner_contact == "integration-team@example.org"

                async def told() -> bool:
                    return len(owner_inbox.received) == 1

                await eventually(told)
                message = json.loads(owner_inbox.received[0].body)
                assert message["endpoint_id"] == endpoint.id
                assert message["reason"] == "failing"
                assert (await area.registry.get(endpoint.id)).disabled_reason == "failing"

                receiver.recover()
                await area.registry.enable(endpoint.id)
                assert (await area.registry.get(endpoint.id)).failing_since is None
                await receiver.wait_for(1, within=10)

    async def test_an_open_breaker_stops_attempts_to_a_failing_endpoint(self, engine, receiver):
        settings = fast_settings(
            breaker_failure_threshold=3,
            breaker_reset_seconds=60,
            max_in_flight_per_endpoint=1,
        )
        async with open_webhooks(settings, engine) as area:
            await area.registry.add("a", receiver.url, [STOCK])
            receiver.fail_with(500)
            await area.accept([cloud_event(n) for n in range(10)])

            async def refused_and_parked() -> bool:
                counts = await area.log.counts()
                return receiver.requests >= 3 and counts["delivering"] == 0

            await eventually(refused_and_parked)
            await asyncio.sleep(0.3)  # several poll intervals with the breaker open

            assert receiver.requests == 3
            assert (await area.log.counts())["pending"] == 10
