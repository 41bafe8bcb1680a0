"""The delivery log: what was sent where, every attempt, and manual retries.

A manual retry makes the same delivery due again with a fresh retry schedule: the
receiver sees the same ``webhook-id`` and body, so a retry replaces, never duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

import structlog

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.errors import ConflictError
from healthbridge.store.webhook_deliveries import (
    AttemptRecord,
    DeliveryRecord,
    WebhookDeliveries,
)
from healthbridge.webhooks.errors import DeliveryNotFoundError

_log = structlog.get_logger(__name__)


class DeliveryLog:
    """Queries and manual retries over the delivery and attempt tables."""

    def __init__(
        self,
        deliveries: WebhookDeliveries,
        *,
        clock: Clock | None = None,
        on_retry: Callable[[], None] | None = None,
    ) -> None:
        self._deliveries = deliveries
        self._clock: Clock = clock or SystemClock()
        self._on_retry = on_retry or (lambda: None)

    async def list(
        self,
        *,
        endpoint_id: str | None = None,
        state: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
    ) -> Sequence[DeliveryRecord]:
        """Deliveries newest first, by endpoint, state and creation time."""
        return await self._deliveries.list(
            endpoint_id=endpoint_id, state=state, since=since, until=until, limit=limit
        )

    async def get(self, delivery_id: int) -> DeliveryRecord:
        """One delivery; DeliveryNotFoundError when there is none with this id."""
        found = await self._deliveries.get(delivery_id)
        if found is None:
            raise DeliveryNotFoundError(
                f"no webhook delivery has id {delivery_id}; see `healthbridge webhooks deliveries`",
                details={"delivery_id": delivery_id},
            )
        return found

    async def attempts(self, delivery_id: int) -> Sequence[AttemptRecord]:
        """Every attempt of one delivery, oldest first."""
        return await self._deliveries.attempts(delivery_id)

    async def counts(self, endpoint_id: str | None = None) -> Mapping[str, int]:
        """Deliveries per state, of one endpoint or all."""
        return await self._deliveries.counts(endpoint_id)

    async def retry_delivery(self, delivery_id: int) -> None:
        """Send one failed, expired or delivered delivery again, same ``webhook-id``."""
        current = await self.get(delivery_id)
        done = await self._deliveries.retry(
            self._clock.now(),
            delivery_id=delivery_id,
            states=("failed", "expired", "delivered"),
        )
        if not done:
            raise ConflictError(
                f"delivery {delivery_id} is {current.state}: it is already queued or in flight",
                details={"delivery_id": delivery_id, "state": current.state},
            )
        _log.info("webhook_delivery_retried", delivery_id=delivery_id)
        self._on_retry()

    async def retry_failed(
        self, *, endpoint_id: str | None = None, since: datetime | None = None
    ) -> int:
        """Send failed and expired deliveries again (of an endpoint, since a time); how many."""
        count = await self._deliveries.retry(
            self._clock.now(), endpoint_id=endpoint_id, since=since
        )
        _log.info("webhook_deliveries_retried", count=count, endpoint_id=endpoint_id)
        self._on_retry()
        return count
