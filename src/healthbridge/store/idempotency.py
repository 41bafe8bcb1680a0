"""Idempotency records: the first response to a (client, key), replayed to its retries.

A record is claimed before the route runs (state ``in_progress``) and completed with the
response afterwards. The claim is the row insert itself: the primary key (client_id,
key) lets exactly one of several concurrent requests, in any process, insert it.
Records expire; an expired record is treated as absent and replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.store.security_schema import idempotency_records

IN_PROGRESS: Final = "in_progress"
COMPLETED: Final = "completed"


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """What an idempotency key is bound to: the request's fingerprint and its response."""

    fingerprint: str
    state: Literal["in_progress", "completed"]
    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


class IdempotencyRecords:
    """The ``idempotency_records`` table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def claim(
        self,
        client_id: str,
        key: str,
        fingerprint: str,
        *,
        now: datetime,
        expires_at: datetime,
        stale_before: datetime | None = None,
    ) -> StoredResponse | None:
        """Claim the key (None: the caller runs the request) or return what holds it.

        An expired record, or an in-progress claim made before ``stale_before`` (its
        process died mid-request), is removed first and the key claimed afresh.
        """
        table = idempotency_records.c
        this = and_(table.client_id == client_id, table.key == key)
        async with self._engine.begin() as connection:
            gone = table.expires_at <= now
            if stale_before is not None:
                gone = or_(gone, and_(table.state == IN_PROGRESS, table.created_at <= stale_before))
            await connection.execute(delete(idempotency_records).where(this, gone))
        try:
            async with self._engine.begin() as connection:
                await connection.execute(
                    idempotency_records.insert().values(
                        client_id=client_id,
                        key=key,
                        fingerprint=fingerprint,
                        state=IN_PROGRESS,
                        created_at=now,
                        expires_at=expires_at,
                    )
                )
        except IntegrityError:
            existing = await self.get(client_id, key)
            # Released between our insert and this read: report it as in progress, retry later.
            return existing or StoredResponse(fingerprint, IN_PROGRESS)
        return None

    async def get(self, client_id: str, key: str) -> StoredResponse | None:
        """The record of (client, key), or None."""
        table = idempotency_records.c
        query = select(idempotency_records).where(table.client_id == client_id, table.key == key)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).one_or_none()
        if row is None:
            return None
        headers = tuple((str(name), str(value)) for name, value in (row.headers or ()))
        return StoredResponse(row.fingerprint, row.state, row.status, headers, row.body or b"")

    async def complete(
        self,
        client_id: str,
        key: str,
        *,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
    ) -> None:
        """Bind the key to the response that answered it."""
        table = idempotency_records.c
        statement = (
            update(idempotency_records)
            .where(table.client_id == client_id, table.key == key)
            .values(state=COMPLETED, status=status, headers=[list(h) for h in headers], body=body)
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def release(self, client_id: str, key: str) -> None:
        """Drop an in-progress claim (the request failed): a retry runs again."""
        table = idempotency_records.c
        statement = delete(idempotency_records).where(
            table.client_id == client_id, table.key == key, table.state == IN_PROGRESS
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def purge_expired(self, now: datetime) -> int:
        """Delete every record expired at ``now``; returns how many."""
        statement = delete(idempotency_records).where(idempotency_records.c.expires_at <= now)
        async with self._engine.begin() as connection:
            result = await connection.execute(statement)
        return int(result.rowcount or 0)
