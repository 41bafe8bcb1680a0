"""Telling an endpoint's owner that the endpoint was disabled.

A notification is a record in the store (what the console and CLI list), a structured
log event, and, when ``owner_notification_url`` is set, a best-effort POST there. A
failed POST is logged and does not undo the record.
"""

from __future__ import annotations

import aiohttp
import structlog

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.store.webhook_endpoints import EndpointRecord, WebhookEndpoints

_log = structlog.get_logger(__name__)


class OwnerNotifier:
    """Records and sends owner notifications."""

    def __init__(
        self,
        endpoints: WebhookEndpoints,
        session: aiohttp.ClientSession,
        *,
        url: str | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._endpoints = endpoints
        self._session = session
        self._url = url
        self._clock: Clock = clock or SystemClock()

    async def endpoint_disabled(self, endpoint: EndpointRecord, reason: str) -> None:
        """Record, log and (if configured) POST that ``endpoint`` was disabled."""
        now = self._clock.now()
        details = {
            "endpoint_id": endpoint.id,
            "consumer": endpoint.consumer,
            "url": endpoint.url,
            "reason": reason,
            "failing_since": endpoint.failing_since.isoformat() if endpoint.failing_since else None,
        }
        await self._endpoints.notify(
            endpoint.id, "endpoint_disabled", endpoint.owner_contact, now, details
        )
        _log.warning(
            "webhook_endpoint_auto_disabled",
            endpoint_id=endpoint.id,
            consumer=endpoint.consumer,
            owner_contact=endpoint.owner_contact,
            reason=reason,
        )
        if self._url is None:
            return
        message = {"kind": "endpoint_disabled", "owner_contact": endpoint.owner_contact, **details}
        try:
            async with self._session.post(self._url, json=message) as response:
                if response.status >= 300:
                    _log.warning("webhook_owner_notification_refused", status=response.status)
        except (aiohttp.ClientError, TimeoutError) as exc:
            _log.warning("webhook_owner_notification_failed", error=type(exc).__name__)
