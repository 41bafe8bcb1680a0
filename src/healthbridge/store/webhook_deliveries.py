"""Durable webhook deliveries: enqueue, lease-based claims, outcomes and the attempt log.

Workers claim due deliveries by writing a lease (owner and expiry) in the same statement
that selects them: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, SQLite's single writer on
SQLite. A worker killed mid-delivery leaves a lease that expires, and the next claim takes
the delivery again with its same event id, so the receiver sees the same ``webhook-id``.

Ordering is enforced at claim time: a delivery with an ordering key is claimable only
when no earlier delivery of its endpoint with that key is still pending or in flight.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, or_, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.store.dialects import upsert
from healthbridge.store.event_log import log_events
from healthbridge.store.webhook_schema import (
    DELIVERY_STATES,
    webhook_attempts,
    webhook_deliveries,
    webhook_endpoints,
    webhook_kill_switches,
)

OPEN_STATES = ("pending", "delivering")
RETRYABLE_STATES = ("failed", "expired")


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """One delivery: what is sent (``body``), where it is in its life and its schedule."""

    id: int
    endpoint_id: str
    event_id: str
    event_type: str
    subject: str | None
    ordering_key: str | None
    body: str
    traceparent: str | None
    state: str
    attempts: int
    schedule_index: int
    next_attempt_at: datetime
    lease_owner: str | None
    lease_until: datetime | None
    created_at: datetime
    last_attempt_at: datetime | None
    delivered_at: datetime | None
    last_status: int | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """A delivery to create for one (endpoint, event) pair."""

    endpoint_id: str
    event_id: str
    event_type: str
    subject: str | None
    ordering_key: str | None
    body: str
    traceparent: str | None


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One HTTP attempt of a delivery, as the delivery log shows it."""

    id: int
    delivery_id: int
    attempt: int
    started_at: datetime
    latency_ms: float
    status_code: int | None
    error_kind: str | None
    response_excerpt: str | None
    worker: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one claimed delivery ended this time, and the attempt that got there."""

    delivery_id: int
    lease_owner: str
    state: str
    attempts: int
    schedule_index: int
    next_attempt_at: datetime
    delivered_at: datetime | None
    status_code: int | None
    error_kind: str | None
    started_at: datetime
    latency_ms: float
    response_excerpt: str | None


class WebhookDeliveries:
    """The ``webhook_deliveries`` and ``webhook_attempts`` tables."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def enqueue(
        self,
        deliveries: Sequence[NewDelivery],
        now: datetime,
        *,
        events: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        """Create the deliveries in one transaction; an existing (endpoint, event) is kept.

        ``events`` (the CloudEvents the deliveries came from) go to the event log in the
        same transaction, so every event a webhook names can be read by its id.
        """
        if not deliveries:
            return
        rows = [
            {
                "endpoint_id": d.endpoint_id,
                "event_id": d.event_id,
                "event_type": d.event_type,
                "subject": d.subject,
                "ordering_key": d.ordering_key,
                "body": d.body,
                "traceparent": d.traceparent,
                "state": "pending",
                "attempts": 0,
                "schedule_index": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for d in deliveries
        ]
        async with self._engine.begin() as connection:
            statement = upsert(webhook_deliveries, connection.dialect).on_conflict_do_nothing(
                index_elements=["endpoint_id", "event_id"]
            )
            await connection.execute(statement, rows)
            await log_events(connection, events, now)

    async def claim(
        self,
        owner: str,
        now: datetime,
        lease_until: datetime,
        limit: int,
        *,
        skip_endpoints: Sequence[str] = (),
    ) -> Sequence[DeliveryRecord]:
        """Lease up to ``limit`` due deliveries of active endpoints to ``owner``, oldest first.

        Due: pending with ``next_attempt_at`` reached, or in flight with an expired lease.
        Active: enabled, not paused, and under no engaged kill switch.
        """
        t = webhook_deliveries.c
        earlier = webhook_deliveries.alias("earlier")
        e = webhook_endpoints.c
        k = webhook_kill_switches.c
        killed = exists().where(
            or_(
                k.scope == "global",
                and_(k.scope == "consumer", k.target == e.consumer),
                and_(k.scope == "endpoint", k.target == e.id),
            )
        )
        active = select(e.id).where(e.enabled.is_(True), e.paused.is_(False), ~killed)
        in_order = or_(
            t.ordering_key.is_(None),
            ~exists().where(
                earlier.c.endpoint_id == t.endpoint_id,
                earlier.c.ordering_key == t.ordering_key,
                earlier.c.id < t.id,
                earlier.c.state.in_(OPEN_STATES),
            ),
        )
        due = or_(
            and_(t.state == "pending", t.next_attempt_at <= now),
            and_(t.state == "delivering", t.lease_until < now),
        )
        candidates = (
            select(t.id).where(due, t.endpoint_id.in_(active), in_order).order_by(t.id).limit(limit)
        )
        if skip_endpoints:
            candidates = candidates.where(t.endpoint_id.not_in(set(skip_endpoints)))
        async with self._engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                candidates = candidates.with_for_update(skip_locked=True, of=webhook_deliveries)
            statement = (
                update(webhook_deliveries)
                .where(t.id.in_(candidates.scalar_subquery()))
                .values(state="delivering", lease_owner=owner, lease_until=lease_until)
                .returning(*webhook_deliveries.c)
            )
            rows = (await connection.execute(statement)).all()
        return sorted((_delivery(row) for row in rows), key=lambda d: d.id)

    async def finish(
        self,
        outcomes: Sequence[Outcome],
        worker: str,
        *,
        healthy: Sequence[str] = (),
        failing: Sequence[str] = (),
        now: datetime | None = None,
    ) -> int:
        """Record outcomes, their attempts and endpoint health in one transaction.

        ``healthy`` endpoints stop their failing clock, ``failing`` ones start it (if not
        running). An outcome whose lease was lost (expired and taken by another worker)
        changes nothing in the delivery, but its attempt is still logged: it happened.
        Returns how many outcomes still held their lease.
        """
        if not outcomes:
            return 0
        t = webhook_deliveries.c
        statement = (
            update(webhook_deliveries)
            .where(
                t.id == bindparam("b_id"),
                t.lease_owner == bindparam("b_owner"),
                t.state == "delivering",
            )
            .values(
                state=bindparam("b_state"),
                attempts=bindparam("b_attempts"),
                schedule_index=bindparam("b_schedule_index"),
                next_attempt_at=bindparam("b_next"),
                delivered_at=bindparam("b_delivered_at"),
                last_status=bindparam("b_status"),
                last_error=bindparam("b_error"),
                last_attempt_at=bindparam("b_started"),
                lease_owner=None,
                lease_until=None,
            )
        )
        changes = [
            {
                "b_id": o.delivery_id,
                "b_owner": o.lease_owner,
                "b_state": o.state,
                "b_attempts": o.attempts,
                "b_schedule_index": o.schedule_index,
                "b_next": o.next_attempt_at,
                "b_delivered_at": o.delivered_at,
                "b_status": o.status_code,
                "b_error": o.error_kind,
                "b_started": o.started_at,
            }
            for o in outcomes
        ]
        attempts = [
            {
                "delivery_id": o.delivery_id,
                "attempt": o.attempts,
                "started_at": o.started_at,
                "latency_ms": o.latency_ms,
                "status_code": o.status_code,
                "error_kind": o.error_kind,
                "response_excerpt": o.response_excerpt,
                "worker": worker,
            }
            for o in outcomes
        ]
        e = webhook_endpoints.c
        async with self._engine.begin() as connection:
            result = await connection.execute(statement, changes)
            await connection.execute(webhook_attempts.insert(), attempts)
            if healthy:
                await connection.execute(
                    update(webhook_endpoints)
                    .where(e.id.in_(set(healthy)), e.failing_since.is_not(None))
                    .values(failing_since=None)
                )
            if failing and now is not None:
                await connection.execute(
                    update(webhook_endpoints)
                    .where(e.id.in_(set(failing)), e.failing_since.is_(None))
                    .values(failing_since=now)
                )
        return max(result.rowcount, 0)

    async def release(self, delivery_ids: Sequence[int], owner: str, when: datetime) -> None:
        """Give leased deliveries back unattempted, due at ``when`` (e.g. breaker open)."""
        if not delivery_ids:
            return
        t = webhook_deliveries.c
        statement = (
            update(webhook_deliveries)
            .where(t.id.in_(delivery_ids), t.lease_owner == owner, t.state == "delivering")
            .values(state="pending", next_attempt_at=when, lease_owner=None, lease_until=None)
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def renew(self, delivery_id: int, owner: str, lease_until: datetime) -> bool:
        """Extend a lease still held by ``owner``; False when it was lost to another worker."""
        t = webhook_deliveries.c
        statement = (
            update(webhook_deliveries)
            .where(t.id == delivery_id, t.lease_owner == owner, t.state == "delivering")
            .values(lease_until=lease_until)
        )
        async with self._engine.begin() as connection:
            result = await connection.execute(statement)
        return bool(result.rowcount)

    async def get(self, delivery_id: int) -> DeliveryRecord | None:
        """The delivery with this id, or None."""
        query = select(webhook_deliveries).where(webhook_deliveries.c.id == delivery_id)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).one_or_none()
        return None if row is None else _delivery(row)

    async def list(
        self,
        *,
        endpoint_id: str | None = None,
        state: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
    ) -> Sequence[DeliveryRecord]:
        """Deliveries newest first, filtered by endpoint, state and creation time."""
        t = webhook_deliveries.c
        query = select(webhook_deliveries).order_by(t.id.desc()).limit(limit)
        if endpoint_id is not None:
            query = query.where(t.endpoint_id == endpoint_id)
        if state is not None:
            _check_state(state)
            query = query.where(t.state == state)
        if since is not None:
            query = query.where(t.created_at >= since)
        if until is not None:
            query = query.where(t.created_at < until)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_delivery(row) for row in rows]

    async def attempts(self, delivery_id: int) -> Sequence[AttemptRecord]:
        """Every attempt of one delivery, oldest first."""
        query = (
            select(webhook_attempts)
            .where(webhook_attempts.c.delivery_id == delivery_id)
            .order_by(webhook_attempts.c.id)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [
            AttemptRecord(
                r.id,
                r.delivery_id,
                r.attempt,
                r.started_at,
                r.latency_ms,
                r.status_code,
                r.error_kind,
                r.response_excerpt,
                r.worker,
            )
            for r in rows
        ]

    async def counts(self, endpoint_id: str | None = None) -> Mapping[str, int]:
        """How many deliveries are in each state (every state is present)."""
        t = webhook_deliveries.c
        query = select(t.state, func.count()).group_by(t.state)
        if endpoint_id is not None:
            query = query.where(t.endpoint_id == endpoint_id)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        found = dict.fromkeys(DELIVERY_STATES, 0)
        found.update({row[0]: int(row[1]) for row in rows})
        return found

    async def retry(
        self,
        now: datetime,
        *,
        delivery_id: int | None = None,
        endpoint_id: str | None = None,
        since: datetime | None = None,
        states: Sequence[str] = RETRYABLE_STATES,
    ) -> int:
        """Make matching deliveries due now with a fresh schedule; how many.

        The row is reused, so the receiver sees the same ``webhook-id`` again: a retry
        replaces the delivery, it never duplicates it.
        """
        t = webhook_deliveries.c
        statement = (
            update(webhook_deliveries)
            .where(t.state.in_(states))
            .values(
                state="pending",
                next_attempt_at=now,
                schedule_index=0,
                lease_owner=None,
                lease_until=None,
            )
        )
        if delivery_id is not None:
            statement = statement.where(t.id == delivery_id)
        if endpoint_id is not None:
            statement = statement.where(t.endpoint_id == endpoint_id)
        if since is not None:
            statement = statement.where(t.created_at >= since)
        async with self._engine.begin() as connection:
            result = await connection.execute(statement)
        return max(result.rowcount, 0)

    async def expire_held(
        self, older_than: datetime, *, endpoint_ids: Sequence[str] | None = None
    ) -> int:
        """Move pending deliveries created before ``older_than`` to expired; how many.

        Called when an operator lets deliveries flow again, so that re-enabling never
        wakes failures older than the configured window.
        """
        t = webhook_deliveries.c
        statement = (
            update(webhook_deliveries)
            .where(t.state == "pending", t.created_at < older_than)
            .values(state="expired", last_error="expired")
        )
        if endpoint_ids is not None:
            if not endpoint_ids:
                return 0
            statement = statement.where(t.endpoint_id.in_(set(endpoint_ids)))
        async with self._engine.begin() as connection:
            result = await connection.execute(statement)
        return max(result.rowcount, 0)


def _check_state(state: str) -> None:
    if state not in DELIVERY_STATES:
        raise ValueError(f"unknown delivery state {state!r}")


def _delivery(row: Row[Any]) -> DeliveryRecord:
    return DeliveryRecord(
        id=row.id,
        endpoint_id=row.endpoint_id,
        event_id=row.event_id,
        event_type=row.event_type,
        subject=row.subject,
        ordering_key=row.ordering_key,
        body=row.body,
        traceparent=row.traceparent,
        state=row.state,
        attempts=row.attempts,
        schedule_index=row.schedule_index,
        next_attempt_at=row.next_attempt_at,
        lease_owner=row.lease_owner,
        lease_until=row.lease_until,
        created_at=row.created_at,
        last_attempt_at=row.last_attempt_at,
        delivered_at=row.delivered_at,
        last_status=row.last_status,
        last_error=row.last_error,
    )
