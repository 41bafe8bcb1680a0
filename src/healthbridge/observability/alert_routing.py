"""Alerts routed by the integration's criticality: tier 1 pages, tier 2 notifies, tier 3 tickets.

A page wakes someone, so only the integrations the business cannot run without (tier 1)
page; tier 2 goes to the team's notification channel; tier 3 becomes a ticket record to
handle in working hours. The router only picks the channel and sends; deciding *when* an
alert starts or resolves is the evaluator's job (``services/slo_status.py``), which sends
each transition once.

The page and notify bodies follow PagerDuty's Events API v2 shape (``event_action``,
``dedup_key``, ``payload.summary/severity/source``) with a ``text`` line for chat
webhooks, so most on-call tools accept them unchanged. They carry integration names and
numbers only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal, Protocol

import aiohttp
import structlog

from healthbridge.core.sections.observability import ObservabilitySettings
from healthbridge.observability.errors import AlertDeliveryError

log = structlog.get_logger(__name__)

Channel = Literal["page", "notify", "ticket"]
AlertState = Literal["firing", "resolved"]

CHANNEL_BY_TIER: Final[Mapping[int, Channel]] = {1: "page", 2: "notify", 3: "ticket"}
_FALLBACK: Final[Mapping[Channel, tuple[Channel, ...]]] = {
    "page": ("page", "notify", "ticket"),
    "notify": ("notify", "ticket"),
    "ticket": ("ticket",),
}
_SEVERITY: Final[Mapping[int, str]] = {1: "critical", 2: "warning", 3: "info"}


@dataclass(frozen=True, slots=True)
class Alert:
    """A burn-rate alert starting or resolving for one SLO of one integration."""

    integration: str
    slo: str
    rule: str
    """``fast`` or ``slow``."""
    tier: int
    state: AlertState
    long_burn: float
    short_burn: float
    budget_remaining: float
    at: datetime

    @property
    def dedup_key(self) -> str:
        """Stable per integration, SLO and rule: a resolve closes the page it answers."""
        return f"healthbridge:{self.integration}:{self.slo}:{self.rule}"

    @property
    def summary(self) -> str:
        """One line a person reads first."""
        verb = "burning" if self.state == "firing" else "recovered"
        return (
            f"{self.integration} {self.slo} SLO {verb}: {self.rule} burn "
            f"{self.long_burn:.1f}x/{self.short_burn:.1f}x, "
            f"{self.budget_remaining:.1%} of the error budget left"
        )

    def to_json(self) -> dict[str, Any]:
        """The page / notify body (PagerDuty Events v2 shape plus ``text``)."""
        return {
            "event_action": "trigger" if self.state == "firing" else "resolve",
            "dedup_key": self.dedup_key,
            "text": self.summary,
            "payload": {
                "summary": self.summary,
                "severity": _SEVERITY.get(self.tier, "warning"),
                "source": "healthbridge",
                "timestamp": self.at.isoformat(),
                "custom_details": {
                    "integration": self.integration,
                    "slo": self.slo,
                    "rule": self.rule,
                    "tier": self.tier,
                    "long_window_burn": self.long_burn,
                    "short_window_burn": self.short_burn,
                    "error_budget_remaining": self.budget_remaining,
                },
            },
        }


class AlertChannel(Protocol):
    """Somewhere an alert can be sent; raises ``AlertDeliveryError`` when it was not taken."""

    async def send(self, alert: Alert) -> None: ...


class WebhookChannel:
    """POSTs the alert as JSON to a URL (the on-call tool's or the chat's incoming webhook)."""

    def __init__(
        self, url: str, session: aiohttp.ClientSession, *, timeout_seconds: float = 5.0
    ) -> None:
        self._url = url
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    async def send(self, alert: Alert) -> None:
        try:
            async with self._session.post(
                self._url, json=alert.to_json(), timeout=self._timeout
            ) as response:
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise AlertDeliveryError(
                "the alert webhook could not be reached",
                details={"error_type": type(exc).__name__, "dedup_key": alert.dedup_key},
            ) from exc
        if not 200 <= status < 300:
            raise AlertDeliveryError(
                f"the alert webhook answered HTTP {status}",
                details={"status": status, "dedup_key": alert.dedup_key},
            )


class TicketSink(Protocol):
    """Where ticket records live (``store/alert_tickets.py``)."""

    async def open(
        self, key: str, integration: str, slo: str, summary: str, at: datetime
    ) -> int: ...

    async def close(self, key: str, at: datetime) -> int: ...


class TicketChannel:
    """Opens a ticket record when an alert fires and closes it when the alert resolves."""

    def __init__(self, tickets: TicketSink) -> None:
        self._tickets = tickets

    async def send(self, alert: Alert) -> None:
        if alert.state == "firing":
            await self._tickets.open(
                alert.dedup_key, alert.integration, alert.slo, alert.summary, alert.at
            )
        else:
            await self._tickets.close(alert.dedup_key, alert.at)


class AlertRouter:
    """Sends an alert to the channel its tier calls for.

    When that channel is not configured (no page URL in a development set-up), the alert
    falls to the next milder one, so it is never silently dropped while a ticket store
    exists; with no channel at all it is logged as ``alert_unrouted``.
    """

    def __init__(
        self,
        *,
        page: AlertChannel | None = None,
        notify: AlertChannel | None = None,
        ticket: AlertChannel | None = None,
    ) -> None:
        self._channels: dict[Channel, AlertChannel | None] = {
            "page": page,
            "notify": notify,
            "ticket": ticket,
        }

    def channel_for(self, tier: int) -> Channel | None:
        """The channel an alert of ``tier`` goes to, fallbacks considered."""
        wanted = CHANNEL_BY_TIER.get(tier, "notify")
        for channel in _FALLBACK[wanted]:
            if self._channels[channel] is not None:
                return channel
        return None

    async def route(self, alert: Alert) -> Channel | None:
        """Send ``alert``; returns the channel used (None when none is configured)."""
        channel = self.channel_for(alert.tier)
        target = None if channel is None else self._channels[channel]
        if target is None:
            log.warning("alert_unrouted", dedup_key=alert.dedup_key, tier=alert.tier)
            return None
        await target.send(alert)
        log.info(
            "alert_routed",
            dedup_key=alert.dedup_key,
            state=alert.state,
            channel=channel,
            tier=alert.tier,
        )
        return channel


def alert_router_from(
    settings: ObservabilitySettings, session: aiohttp.ClientSession, tickets: TicketSink
) -> AlertRouter:
    """The router the ``observability`` settings describe: page and notify URLs, tickets."""
    timeout = settings.alert_timeout_seconds
    page, notify = settings.oncall_page_url, settings.notify_url
    return AlertRouter(
        page=None
        if page is None
        else WebhookChannel(page.get_secret_value(), session, timeout_seconds=timeout),
        notify=None
        if notify is None
        else WebhookChannel(notify.get_secret_value(), session, timeout_seconds=timeout),
        ticket=TicketChannel(tickets),
    )
