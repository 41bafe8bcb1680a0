"""Alerts reach the channel their tier calls for: a real page webhook, notify, a ticket row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.observability import (
    Alert,
    AlertDeliveryError,
    AlertRouter,
    Counts,
    SliSample,
    SloObjective,
    TicketChannel,
    WebhookChannel,
)
from healthbridge.services.slo_status import SloMonitor
from healthbridge.store.alert_tickets import AlertTickets
from healthbridge.store.sli_samples import SliSamples
from tests.integration.observability.conftest import Receiver

NOW = datetime(2026, 11, 24, 12, 0, 30, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at

    def monotonic(self) -> float:
        return self.at.timestamp()


def _alert(tier: int, state: str = "firing") -> Alert:
    return Alert(
        integration="odoo-inventory",
        slo="availability",
        rule="fast",
        tier=tier,
        state=state,  # type: ignore[arg-type]
        long_burn=14.4,
        short_burn=15.0,
        budget_remaining=0.97,
        at=NOW,
    )


def _pages(receiver: Receiver) -> list[tuple[str, str]]:
    return [
        (b["event_action"], b["payload"]["custom_details"]["rule"])
        for b in receiver.bodies("/page")
    ]


def _router(receiver: Receiver, session: aiohttp.ClientSession, engine: AsyncEngine) -> AlertRouter:
    return AlertRouter(
        page=WebhookChannel(f"{receiver.url}/page", session),
        notify=WebhookChannel(f"{receiver.url}/notify", session),
        ticket=TicketChannel(AlertTickets(engine)),
    )


async def test_tier_1_pages_tier_2_notifies_and_tier_3_opens_a_ticket(
    receiver: Receiver, http_session: aiohttp.ClientSession, store_engine: AsyncEngine
) -> None:
    router = _router(receiver, http_session, store_engine)

    assert await router.route(_alert(1)) == "page"
    assert await router.route(_alert(2)) == "notify"
    assert await router.route(_alert(3)) == "ticket"

    [page] = receiver.bodies("/page")
    assert page["event_action"] == "trigger"
    assert page["dedup_key"] == "healthbridge:odoo-inventory:availability:fast"
    assert page["payload"]["severity"] == "critical"
    assert page["payload"]["custom_details"]["long_window_burn"] == 14.4
    assert len(receiver.bodies("/notify")) == 1
    [ticket] = await AlertTickets(store_engine).list()
    assert (ticket.status, ticket.integration, ticket.slo) == (
        "open",
        "odoo-inventory",
        "availability",
    )


async def test_a_resolved_alert_resolves_the_page_and_closes_the_ticket(
    receiver: Receiver, http_session: aiohttp.ClientSession, store_engine: AsyncEngine
) -> None:
    router = _router(receiver, http_session, store_engine)
    await router.route(_alert(1, "resolved"))
    await router.route(_alert(3))
    await router.route(_alert(3))  # repeated: still one open ticket
    await router.route(_alert(3, "resolved"))

    assert receiver.bodies("/page")[0]["event_action"] == "resolve"
    [ticket] = await AlertTickets(store_engine).list()
    assert ticket.status == "closed"
    assert ticket.closed_at == NOW


async def test_a_page_the_on_call_tool_refuses_is_an_error_to_retry(
    receiver: Receiver, http_session: aiohttp.ClientSession
) -> None:
    receiver.status = 500
    router = AlertRouter(page=WebhookChannel(f"{receiver.url}/page", http_session))
    with pytest.raises(AlertDeliveryError) as caught:
        await router.route(_alert(1))
    assert caught.value.details["status"] == 500


async def test_an_unreachable_page_webhook_is_an_error_to_retry(
    http_session: aiohttp.ClientSession,
) -> None:
    router = AlertRouter(
        page=WebhookChannel("http://127.0.0.1:9/page", http_session, timeout_seconds=1)
    )
    with pytest.raises(AlertDeliveryError):
        await router.route(_alert(1))


async def test_without_a_page_url_a_tier_1_alert_falls_back_to_a_ticket(
    store_engine: AsyncEngine,
) -> None:
    router = AlertRouter(ticket=TicketChannel(AlertTickets(store_engine)))
    assert router.channel_for(1) == "ticket"
    assert await router.route(_alert(1)) == "ticket"
    assert AlertRouter().channel_for(1) is None


class TestSloMonitor:
    async def test_a_fast_burn_pages_once_and_resolves_once_when_it_stops(
        self,
        receiver: Receiver,
        http_session: aiohttp.ClientSession,
        store_engine: AsyncEngine,
    ) -> None:
        samples = SliSamples(store_engine)
        clock = Clock(NOW)
        monitor = SloMonitor(
            samples,
            _router(receiver, http_session, store_engine),
            declared=[SloObjective("odoo-inventory", "availability", 0.999, tier=1)],
            clock=clock,
        )
        # 2% errors for the last hour: 20x burn over 1h and over 5m.
        await samples.add(
            [
                SliSample("odoo-inventory", "availability", NOW - timedelta(minutes=m), 98, 100)
                for m in range(60)
            ]
        )

        [status] = await monitor.evaluate_once()
        assert status.firing == ("fast", "slow")
        assert status.burn_rates == {"5m": 20.0, "30m": 20.0, "1h": 20.0, "6h": 20.0}
        await monitor.evaluate_once()  # still burning: no second page
        assert _pages(receiver) == [("trigger", "fast"), ("trigger", "slow")]

        # Ten clean minutes later the 5m window is clean: the fast page resolves, while
        # the last 30 minutes still burn at 13.3x, so the slow one keeps firing.
        clock.at = NOW + timedelta(minutes=10)
        await samples.add(
            [
                SliSample(
                    "odoo-inventory", "availability", clock.at - timedelta(minutes=m), 100, 100
                )
                for m in range(10)
            ]
        )
        [status] = await monitor.evaluate_once()
        assert status.firing == ("slow",)
        assert status.burn_rates["5m"] == 0
        assert _pages(receiver)[2:] == [("resolve", "fast")]

    async def test_a_failed_page_is_sent_again_on_the_next_round(
        self,
        receiver: Receiver,
        http_session: aiohttp.ClientSession,
        store_engine: AsyncEngine,
    ) -> None:
        samples = SliSamples(store_engine)
        monitor = SloMonitor(
            samples,
            _router(receiver, http_session, store_engine),
            declared=[SloObjective("payer-claims", "availability", 0.999, tier=1)],
            clock=Clock(NOW),
        )
        await samples.add(
            [
                SliSample("payer-claims", "availability", NOW - timedelta(minutes=m), 50, 100)
                for m in range(60)
            ]
        )
        receiver.status = 503
        await monitor.evaluate_once()
        assert monitor.firing == frozenset()
        receiver.status = 202
        await monitor.evaluate_once()
        assert ("payer-claims", "availability", "fast") in monitor.firing
        assert len(receiver.bodies("/page")) == 4  # fast and slow refused, then both taken

    async def test_an_undeclared_integration_is_held_to_the_default_objective(
        self, store_engine: AsyncEngine
    ) -> None:
        samples = SliSamples(store_engine)
        monitor = SloMonitor(
            samples,
            AlertRouter(ticket=TicketChannel(AlertTickets(store_engine))),
            default_tier=3,
            clock=Clock(NOW),
        )
        await samples.add([SliSample("lab-results", "freshness", NOW, 0, 10)])
        [status] = await monitor.evaluate_once()
        assert status.objective.tier == 3
        assert status.objective.target == 0.999
        assert status.window_counts == Counts(0, 10)
        assert status.budget_remaining == -999.0
        assert {t.status for t in await AlertTickets(store_engine).list()} == {"open"}
