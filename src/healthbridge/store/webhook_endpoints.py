"""Webhook endpoints and the operator switches around them: pause, disable, kill switches.

An endpoint belongs to one consumer. Its signing secret is stored here because the
dispatcher must sign with it; it is never logged and the CLI shows it only once, when
it is made. During a rotation the previous secret stays until its expiry, so receivers
can switch at their own pace.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.store.dialects import upsert
from healthbridge.store.webhook_schema import (
    webhook_endpoints,
    webhook_kill_switches,
    webhook_notifications,
)

KILL_SCOPES = ("global", "consumer", "endpoint")


@dataclass(frozen=True, slots=True)
class EndpointRecord:
    """One endpoint row; ``secret`` and ``previous_secret`` must never reach a log."""

    id: str
    consumer: str
    url: str
    event_types: tuple[str, ...]
    secret: str
    previous_secret: str | None
    previous_secret_expires_at: datetime | None
    enabled: bool
    paused: bool
    payload: str
    full_payload_allowed: bool
    ordering: str
    owner_contact: str | None
    description: str | None
    failing_since: datetime | None
    disabled_reason: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class KillSwitch:
    """An engaged kill switch: no delivery in its scope is attempted while it exists."""

    scope: str
    target: str
    engaged_at: datetime
    reason: str | None


@dataclass(frozen=True, slots=True)
class OwnerNotification:
    """A record that an endpoint's owner was told something (e.g. it was disabled)."""

    id: int
    endpoint_id: str
    kind: str
    owner_contact: str | None
    created_at: datetime
    details: Mapping[str, Any]


class WebhookEndpoints:
    """The ``webhook_endpoints``, ``webhook_kill_switches`` and notification tables."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, record: EndpointRecord) -> None:
        """Insert a new endpoint."""
        values = {name: getattr(record, name) for name in record.__slots__}
        values["event_types"] = list(record.event_types)
        async with self._engine.begin() as connection:
            await connection.execute(webhook_endpoints.insert().values(**values))

    async def get(self, endpoint_id: str) -> EndpointRecord | None:
        """The endpoint with this id, or None."""
        query = select(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).one_or_none()
        return None if row is None else _endpoint(row)

    async def list(
        self, *, consumer: str | None = None, enabled_only: bool = False
    ) -> Sequence[EndpointRecord]:
        """Endpoints ordered by creation, optionally of one consumer or enabled only."""
        query = select(webhook_endpoints).order_by(
            webhook_endpoints.c.created_at, webhook_endpoints.c.id
        )
        if consumer is not None:
            query = query.where(webhook_endpoints.c.consumer == consumer)
        if enabled_only:
            query = query.where(webhook_endpoints.c.enabled.is_(True))
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_endpoint(row) for row in rows]

    async def get_many(self, endpoint_ids: Sequence[str]) -> dict[str, EndpointRecord]:
        """The endpoints with these ids, by id (missing ids are left out)."""
        if not endpoint_ids:
            return {}
        query = select(webhook_endpoints).where(webhook_endpoints.c.id.in_(set(endpoint_ids)))
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return {row.id: _endpoint(row) for row in rows}

    async def change(self, endpoint_id: str, now: datetime, **values: Any) -> bool:
        """Set columns of one endpoint; False when it does not exist."""
        statement = (
            update(webhook_endpoints)
            .where(webhook_endpoints.c.id == endpoint_id)
            .values(updated_at=now, **values)
        )
        async with self._engine.begin() as connection:
            result = await connection.execute(statement)
        return bool(result.rowcount)

    async def disable_failing(self, failing_before: datetime, now: datetime) -> Sequence[str]:
        """Disable enabled endpoints failing since before ``failing_before``; their ids."""
        table = webhook_endpoints.c
        condition = (table.enabled.is_(True), table.failing_since <= failing_before)
        async with self._engine.begin() as connection:
            ids = (await connection.execute(select(table.id).where(*condition))).scalars().all()
            if ids:
                await connection.execute(
                    update(webhook_endpoints)
                    .where(table.id.in_(ids), *condition)
                    .values(enabled=False, disabled_reason="failing", updated_at=now)
                )
        return list(ids)

    async def engage(self, scope: str, target: str, now: datetime, reason: str | None) -> None:
        """Engage a kill switch (again engaging one that is on keeps its first time)."""
        _check_scope(scope)
        async with self._engine.begin() as connection:
            insert = upsert(webhook_kill_switches, connection.dialect)
            await connection.execute(
                insert.values(
                    scope=scope, target=target, engaged_at=now, reason=reason
                ).on_conflict_do_nothing(index_elements=["scope", "target"])
            )

    async def release(self, scope: str, target: str) -> bool:
        """Release a kill switch; False when it was not engaged."""
        _check_scope(scope)
        table = webhook_kill_switches.c
        async with self._engine.begin() as connection:
            result = await connection.execute(
                delete(webhook_kill_switches).where(table.scope == scope, table.target == target)
            )
        return bool(result.rowcount)

    async def kill_switches(self) -> Sequence[KillSwitch]:
        """Every engaged kill switch."""
        query = select(webhook_kill_switches).order_by(webhook_kill_switches.c.engaged_at)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [KillSwitch(r.scope, r.target, r.engaged_at, r.reason) for r in rows]

    async def notify(
        self,
        endpoint_id: str,
        kind: str,
        owner_contact: str | None,
        now: datetime,
        details: Mapping[str, Any],
    ) -> int:
        """Record a notification to an endpoint's owner; its id."""
        statement = webhook_notifications.insert().values(
            endpoint_id=endpoint_id,
            kind=kind,
            owner_contact=owner_contact,
            created_at=now,
            details=dict(details),
        )
        async with self._engine.begin() as connection:
            result = await connection.execute(statement.returning(webhook_notifications.c.id))
            return int(result.scalar_one())

    async def notifications(self, endpoint_id: str | None = None) -> Sequence[OwnerNotification]:
        """Owner notifications, oldest first, optionally of one endpoint."""
        query = select(webhook_notifications).order_by(webhook_notifications.c.id)
        if endpoint_id is not None:
            query = query.where(webhook_notifications.c.endpoint_id == endpoint_id)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [
            OwnerNotification(r.id, r.endpoint_id, r.kind, r.owner_contact, r.created_at, r.details)
            for r in rows
        ]


def _check_scope(scope: str) -> None:
    if scope not in KILL_SCOPES:
        raise ValueError(f"unknown kill switch scope {scope!r}")


def _endpoint(row: Row[Any]) -> EndpointRecord:
    return EndpointRecord(
        id=row.id,
        consumer=row.consumer,
        url=row.url,
        event_types=tuple(row.event_types),
        secret=row.secret,
        previous_secret=row.previous_secret,
        previous_secret_expires_at=row.previous_secret_expires_at,
        enabled=bool(row.enabled),
        paused=bool(row.paused),
        payload=row.payload,
        full_payload_allowed=bool(row.full_payload_allowed),
        ordering=row.ordering,
        owner_contact=row.owner_contact,
        description=row.description,
        failing_since=row.failing_since,
        disabled_reason=row.disabled_reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
