"""Turning accepted events into durable deliveries, before the event source is acked.

``accept`` returns only after the deliveries of the whole batch (and the events they
came from, in the event log) are committed in one transaction, so an integrator that
acks its NATS messages after ``accept`` returns loses nothing on a crash. An event seen
again (a redelivery) makes no second delivery: the store's unique (endpoint, event id)
keeps the first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import structlog

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.errors import InvalidRequestError
from healthbridge.store.webhook_deliveries import NewDelivery, WebhookDeliveries
from healthbridge.store.webhook_endpoints import EndpointRecord, WebhookEndpoints
from healthbridge.webhooks.payloads import PayloadBuilder
from healthbridge.webhooks.subscriptions import wants

_log = structlog.get_logger(__name__)


class WebhookIntake:
    """Accepts CloudEvents (structured-mode dicts) and records their deliveries."""

    def __init__(
        self,
        endpoints: WebhookEndpoints,
        deliveries: WebhookDeliveries,
        payloads: PayloadBuilder,
        *,
        clock: Clock | None = None,
        on_accepted: Callable[[], None] | None = None,
    ) -> None:
        self._endpoints = endpoints
        self._deliveries = deliveries
        self._payloads = payloads
        self._clock: Clock = clock or SystemClock()
        self._on_accepted = on_accepted or (lambda: None)

    async def accept(self, events: Sequence[Mapping[str, Any]]) -> int:
        """Persist one delivery per (enabled matching endpoint, event); how many matched.

        Raises ``InvalidRequestError`` (nothing stored) when an event lacks ``id`` or
        ``type``: the caller dead-letters that batch instead of acking it.
        """
        for index, event in enumerate(events):
            if not event.get("id") or not event.get("type"):
                raise InvalidRequestError(
                    "every event needs a CloudEvents id and type",
                    details={"index": index},
                )
        if not events:
            return 0
        endpoints = await self._endpoints.list(enabled_only=True)
        deliveries = [
            self._delivery(endpoint, event)
            for event in events
            for endpoint in endpoints
            if wants(endpoint.event_types, str(event["type"]))
        ]
        wanted = {delivery.event_id for delivery in deliveries}
        logged = [event for event in events if str(event["id"]) in wanted]
        await self._deliveries.enqueue(deliveries, self._clock.now(), events=logged)
        if deliveries:
            _log.debug("webhook_events_accepted", events=len(events), deliveries=len(deliveries))
            self._on_accepted()
        return len(deliveries)

    def _delivery(self, endpoint: EndpointRecord, event: Mapping[str, Any]) -> NewDelivery:
        subject = event.get("subject")
        if endpoint.ordering == "per_entity":
            ordering_key = str(subject) if subject else None
        elif endpoint.ordering == "per_endpoint":
            ordering_key = ""
        else:
            ordering_key = None
        full = endpoint.payload == "full" and endpoint.full_payload_allowed
        traceparent = event.get("traceparent")
        return NewDelivery(
            endpoint_id=endpoint.id,
            event_id=str(event["id"]),
            event_type=str(event["type"]),
            subject=str(subject)[:512] if subject else None,
            ordering_key=ordering_key[:512] if ordering_key is not None else None,
            body=self._payloads.body(event, full=full),
            traceparent=str(traceparent)[:64] if traceparent else None,
        )
