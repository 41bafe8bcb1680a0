"""Everything the webhooks area needs at run time, opened and closed as one unit.

``open_webhooks`` wires the repositories, the intake, the registry, the delivery log and
(when ``dispatcher_enabled``) a running dispatcher over one shared aiohttp session. The
composition root enters it once; an integrator connects a durable event subscription to
``accept`` and acks each batch only after ``accept`` returns.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.sections.webhooks import WebhooksSettings
from healthbridge.store.webhook_deliveries import WebhookDeliveries
from healthbridge.store.webhook_endpoints import WebhookEndpoints
from healthbridge.webhooks.delivery_log import DeliveryLog
from healthbridge.webhooks.dispatcher import Dispatcher
from healthbridge.webhooks.intake import WebhookIntake
from healthbridge.webhooks.notifier import OwnerNotifier
from healthbridge.webhooks.payloads import PayloadBuilder
from healthbridge.webhooks.registry import EndpointRegistry
from healthbridge.webhooks.retries import RetryPolicy
from healthbridge.webhooks.sender import Sender


@dataclass(frozen=True, slots=True)
class Webhooks:
    """The webhooks area: accept events, manage endpoints, read and retry deliveries."""

    intake: WebhookIntake
    registry: EndpointRegistry
    log: DeliveryLog
    dispatcher: Dispatcher | None

    async def accept(self, events: Sequence[Mapping[str, Any]]) -> int:
        """Persist the deliveries of a batch of CloudEvents; see ``WebhookIntake.accept``."""
        return await self.intake.accept(events)


def delivery_session(settings: WebhooksSettings) -> aiohttp.ClientSession:
    """The one HTTP session deliveries share: bounded connections, a total timeout."""
    connector = aiohttp.TCPConnector(
        limit=settings.connection_limit,
        limit_per_host=settings.max_in_flight_per_endpoint,
        enable_cleanup_closed=True,
    )
    return aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=settings.request_timeout_seconds),
        headers={"User-Agent": settings.user_agent},
        auto_decompress=True,
    )


@asynccontextmanager
async def open_webhooks(
    settings: WebhooksSettings,
    engine: AsyncEngine,
    *,
    session: aiohttp.ClientSession | None = None,
    clock: Clock | None = None,
    policy: RetryPolicy | None = None,
    worker_id: str | None = None,
    dispatch: bool | None = None,
) -> AsyncIterator[Webhooks]:
    """Open the area on ``engine`` (migrated); the dispatcher runs while inside.

    ``session`` defaults to ``delivery_session(settings)``, closed on exit; a session
    passed in is left open. ``dispatch`` overrides ``settings.dispatcher_enabled``.
    """
    clock = clock or SystemClock()
    own_session = session is None
    http = session or delivery_session(settings)
    endpoints = WebhookEndpoints(engine)
    deliveries = WebhookDeliveries(engine)
    dispatcher: Dispatcher | None = None
    if settings.dispatcher_enabled if dispatch is None else dispatch:
        notifier = OwnerNotifier(
            endpoints,
            http,
            url=str(settings.owner_notification_url) if settings.owner_notification_url else None,
            clock=clock,
        )
        dispatcher = Dispatcher(
            deliveries,
            endpoints,
            Sender(http, excerpt_chars=settings.response_excerpt_chars),
            notifier,
            settings,
            clock=clock,
            policy=policy,
            worker_id=worker_id,
        )
    wake = dispatcher.wake if dispatcher is not None else None
    area = Webhooks(
        intake=WebhookIntake(
            endpoints,
            deliveries,
            PayloadBuilder(settings.api_base_url, settings.link_templates),
            clock=clock,
            on_accepted=wake,
        ),
        registry=EndpointRegistry(
            endpoints,
            deliveries,
            wake_window_seconds=settings.wake_window_seconds,
            secret_overlap_seconds=settings.secret_overlap_seconds,
            clock=clock,
            on_change=dispatcher.endpoints_changed if dispatcher is not None else None,
        ),
        log=DeliveryLog(deliveries, clock=clock, on_retry=wake),
        dispatcher=dispatcher,
    )
    try:
        if dispatcher is not None:
            await dispatcher.start()
        yield area
    finally:
        try:
            if dispatcher is not None:
                await dispatcher.stop()
        finally:
            if own_session:
                await http.close()
