"""Webhook endpoints and the operator's hands on them: pause, disable, kill switches.

Letting deliveries flow again (resume, enable, releasing a kill switch) first moves held
deliveries older than the wake window to ``expired``: they stay listed and can be retried
by hand, but they are never replayed by surprise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import structlog

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.ids import new_id
from healthbridge.store.webhook_deliveries import WebhookDeliveries
from healthbridge.store.webhook_endpoints import (
    EndpointRecord,
    KillSwitch,
    OwnerNotification,
    WebhookEndpoints,
)
from healthbridge.webhooks.errors import EndpointNotFoundError, InvalidEndpointError
from healthbridge.webhooks.signing import generate_secret, secret_key
from healthbridge.webhooks.subscriptions import check_pattern

PAYLOAD_MODES = ("thin", "full")
ORDERING_MODES = ("none", "per_entity", "per_endpoint")

_log = structlog.get_logger(__name__)


class EndpointRegistry:
    """Registers endpoints and applies operator controls; every change is logged."""

    def __init__(
        self,
        endpoints: WebhookEndpoints,
        deliveries: WebhookDeliveries,
        *,
        wake_window_seconds: float,
        secret_overlap_seconds: float,
        clock: Clock | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self._endpoints = endpoints
        self._deliveries = deliveries
        self._window = timedelta(seconds=wake_window_seconds)
        self._overlap = secret_overlap_seconds
        self._clock: Clock = clock or SystemClock()
        self._on_change = on_change or (lambda: None)

    async def add(
        self,
        consumer: str,
        url: str,
        event_types: Sequence[str],
        *,
        payload: str = "thin",
        full_payload_allowed: bool = False,
        ordering: str = "none",
        owner_contact: str | None = None,
        description: str | None = None,
        secret: str | None = None,
    ) -> EndpointRecord:
        """Register an endpoint; the returned record holds its secret (show it once)."""
        _check_url(url)
        if not consumer:
            raise InvalidEndpointError("an endpoint needs the consumer that owns it")
        if not event_types:
            raise InvalidEndpointError("give at least one event type, e.g. org.healthbridge.*")
        if payload not in PAYLOAD_MODES:
            raise InvalidEndpointError(f"payload must be one of {', '.join(PAYLOAD_MODES)}")
        if payload == "full" and not full_payload_allowed:
            raise InvalidEndpointError(
                "full payloads need the endpoint's policy to allow them; "
                "ask governance, then register with the full payload allowed"
            )
        if ordering not in ORDERING_MODES:
            raise InvalidEndpointError(f"ordering must be one of {', '.join(ORDERING_MODES)}")
        if secret is not None:
            try:
                secret_key(secret)
            except ValueError as exc:
                raise InvalidEndpointError(str(exc)) from None
        now = self._clock.now()
        record = EndpointRecord(
            id=new_id(),
            consumer=consumer,
            url=url,
            event_types=tuple(check_pattern(p) for p in event_types),
            secret=secret or generate_secret(),
            previous_secret=None,
            previous_secret_expires_at=None,
            enabled=True,
            paused=False,
            payload=payload,
            full_payload_allowed=full_payload_allowed,
            ordering=ordering,
            owner_contact=owner_contact,
            description=description,
            failing_since=None,
            disabled_reason=None,
            created_at=now,
            updated_at=now,
        )
        await self._endpoints.add(record)
        _log.info("webhook_endpoint_added", endpoint_id=record.id, consumer=consumer)
        return record

    async def get(self, endpoint_id: str) -> EndpointRecord:
        """The endpoint; EndpointNotFoundError when there is none with this id."""
        found = await self._endpoints.get(endpoint_id)
        if found is None:
            raise EndpointNotFoundError(
                f"no webhook endpoint has id {endpoint_id}; see `healthbridge webhooks list`",
                details={"endpoint_id": endpoint_id},
            )
        return found

    async def list(self, consumer: str | None = None) -> Sequence[EndpointRecord]:
        """Every endpoint, or one consumer's, oldest first."""
        return await self._endpoints.list(consumer=consumer)

    async def pause(self, endpoint_id: str) -> None:
        """Hold deliveries to this endpoint; new events are still recorded for it."""
        await self._set(endpoint_id, "webhook_endpoint_paused", paused=True)

    async def resume(self, endpoint_id: str) -> int:
        """Let deliveries flow again; returns how many held ones expired (too old).

        Old deliveries are expired before the endpoint is resumed, never after: a claim
        running in between would otherwise send them.
        """
        await self.get(endpoint_id)
        expired = await self._expire_old([endpoint_id])
        await self._set(endpoint_id, "webhook_endpoint_resumed", paused=False)
        return expired

    async def disable(self, endpoint_id: str, reason: str = "operator") -> None:
        """Stop deliveries and stop recording new events for this endpoint."""
        await self._set(
            endpoint_id, "webhook_endpoint_disabled", enabled=False, disabled_reason=reason
        )

    async def enable(self, endpoint_id: str) -> int:
        """Enable again with a fresh failure clock; returns how many held ones expired."""
        await self.get(endpoint_id)
        expired = await self._expire_old([endpoint_id])
        await self._set(
            endpoint_id,
            "webhook_endpoint_enabled",
            enabled=True,
            disabled_reason=None,
            failing_since=None,
        )
        return expired

    async def rotate_secret(self, endpoint_id: str, *, overlap_seconds: float | None = None) -> str:
        """Make a new secret; the old one still signs for the overlap. Returns the new one."""
        current = await self.get(endpoint_id)
        overlap = self._overlap if overlap_seconds is None else overlap_seconds
        now = self._clock.now()
        new_secret = generate_secret()
        await self._endpoints.change(
            endpoint_id,
            now,
            secret=new_secret,
            previous_secret=current.secret if overlap > 0 else None,
            previous_secret_expires_at=now + timedelta(seconds=overlap) if overlap > 0 else None,
        )
        _log.info("webhook_secret_rotated", endpoint_id=endpoint_id, overlap_seconds=overlap)
        self._on_change()
        return new_secret

    async def engage_kill_switch(
        self, scope: str, target: str = "", reason: str | None = None
    ) -> None:
        """Stop every delivery and retry in a scope: global, a consumer or an endpoint."""
        target = _check_scope(scope, target)
        await self._endpoints.engage(scope, target, self._clock.now(), reason)
        _log.warning("webhook_kill_switch_engaged", scope=scope, target=target)

    async def release_kill_switch(self, scope: str, target: str = "") -> int:
        """Release a kill switch; returns how many held deliveries expired (too old)."""
        target = _check_scope(scope, target)
        engaged = {(k.scope, k.target) for k in await self._endpoints.kill_switches()}
        if (scope, target) not in engaged:
            return 0
        # Expire first: once the switch is gone a claim could take the old ones at once.
        if scope == "global":
            expired = await self._expire_old(None)
        elif scope == "consumer":
            ids = [e.id for e in await self._endpoints.list(consumer=target)]
            expired = await self._expire_old(ids)
        else:
            expired = await self._expire_old([target])
        await self._endpoints.release(scope, target)
        _log.warning("webhook_kill_switch_released", scope=scope, target=target)
        self._on_change()
        return expired

    async def kill_switches(self) -> Sequence[KillSwitch]:
        """The kill switches engaged now."""
        return await self._endpoints.kill_switches()

    async def notifications(self, endpoint_id: str | None = None) -> Sequence[OwnerNotification]:
        """Notifications sent to endpoint owners, oldest first."""
        return await self._endpoints.notifications(endpoint_id)

    async def _set(self, endpoint_id: str, event: str, **values: object) -> None:
        if not await self._endpoints.change(endpoint_id, self._clock.now(), **values):
            await self.get(endpoint_id)
        _log.info(event, endpoint_id=endpoint_id)
        self._on_change()

    async def _expire_old(self, endpoint_ids: Sequence[str] | None) -> int:
        cutoff: datetime = self._clock.now() - self._window
        expired = await self._deliveries.expire_held(cutoff, endpoint_ids=endpoint_ids)
        if expired:
            _log.warning("webhook_deliveries_expired", count=expired)
        return expired


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidEndpointError(
            "an endpoint URL must be absolute http(s), e.g. https://receiver.example/hooks"
        )


def _check_scope(scope: str, target: str) -> str:
    if scope == "global":
        return ""
    if scope not in ("consumer", "endpoint"):
        raise InvalidEndpointError("kill switch scope must be global, consumer or endpoint")
    if not target:
        raise InvalidEndpointError(f"a {scope} kill switch needs the {scope} it applies to")
    return target
