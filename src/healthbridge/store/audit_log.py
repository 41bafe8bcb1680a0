"""The append-only, hash-chained audit log table.

Appends are serialised, because each entry's hash covers its predecessor's: in process
by an ``asyncio.Lock``, across processes by the database - a transaction-scoped
advisory lock on PostgreSQL, SQLite's write lock (``BEGIN IMMEDIATE``) on SQLite. Inside
that lock the head is read, the batch is chained onto it and inserted in one
transaction, so a batch costs one round of locking however many entries it holds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from healthbridge.security.audit_chain import (
    GENESIS_HASH,
    AuditRecord,
    ChainBreak,
    ChainCheck,
    ChainedEntry,
    check_entries,
    record_hash,
)
from healthbridge.store.security_schema import audit_log

AUDIT_LOCK_KEY = 0x4842_4155_4449_54
"""The PostgreSQL advisory lock id that serialises audit appends ("HBAUDIT")."""


@dataclass(frozen=True, slots=True)
class Verification:
    """The result of checking the whole chain."""

    checked: int
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        """Whether every entry checked out."""
        return self.broken is None


class AuditLog:
    """The ``audit_log`` table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._lock = asyncio.Lock()

    async def append(self, records: Sequence[AuditRecord]) -> int:
        """Chain ``records`` onto the log in one transaction; returns the new head's seq."""
        if not records:
            return await self.head_seq()
        async with self._lock, self._engine.connect() as connection:
            await _lock_head(connection)
            head = (
                await connection.execute(
                    select(audit_log.c.seq, audit_log.c.hash)
                    .order_by(audit_log.c.seq.desc())
                    .limit(1)
                )
            ).one_or_none()
            seq, previous = (int(head.seq), str(head.hash)) if head else (0, GENESIS_HASH)
            rows: list[dict[str, Any]] = []
            for record in records:
                seq += 1
                digest = record_hash(previous, record, seq)
                rows.append(_row(seq, record, previous, digest))
                previous = digest
            await connection.execute(audit_log.insert(), rows)
            await connection.commit()
            return seq

    async def head_seq(self) -> int:
        """The seq of the newest entry (0 for an empty log)."""
        async with self._engine.connect() as connection:
            value = (
                await connection.execute(
                    select(audit_log.c.seq).order_by(audit_log.c.seq.desc()).limit(1)
                )
            ).scalar_one_or_none()
        return int(value or 0)

    async def entries(
        self,
        *,
        after: int = 0,
        limit: int = 1000,
        client_id: str | None = None,
        newest_first: bool = False,
    ) -> list[ChainedEntry]:
        """Entries after ``after`` in seq order (or the newest first), optionally of one client."""
        query = select(audit_log).limit(limit)
        if newest_first:
            query = query.order_by(audit_log.c.seq.desc())
        else:
            query = query.where(audit_log.c.seq > after).order_by(audit_log.c.seq)
        if client_id is not None:
            query = query.where(audit_log.c.client_id == client_id)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_entry(row) for row in rows]

    async def verify(self, *, page_size: int = 2000) -> Verification:
        """Check every link of the chain, page by page; names the first bad entry."""
        state = ChainCheck()
        while True:
            page = await self.entries(after=state.next_seq - 1, limit=page_size)
            if not page:
                return Verification(state.checked, None)
            if page[0].seq != state.next_seq:
                return Verification(
                    state.checked, ChainBreak(state.next_seq, f"entry {state.next_seq} is missing")
                )
            state, broken = check_entries(page, state)
            if broken is not None:
                return Verification(state.checked, broken)


async def _lock_head(connection: AsyncConnection) -> None:
    if connection.dialect.name == "postgresql":
        await connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY}
        )
    else:
        # Take SQLite's write lock before reading the head, so a second process waits here.
        await connection.exec_driver_sql("BEGIN IMMEDIATE")


def _row(seq: int, record: AuditRecord, previous: str, digest: str) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": record.at,
        "method": record.method,
        "route": record.route,
        "status": record.status,
        "outcome": record.outcome,
        "trace_id": record.trace_id,
        "client_id": record.client_id,
        "principal_kind": record.principal_kind,
        "acting_user": record.user,
        "environment": record.environment,
        "records": list(record.records),
        "previous_hash": previous,
        "hash": digest,
    }


def _entry(row: Row[Any]) -> ChainedEntry:
    record = AuditRecord(
        at=row.at,
        method=row.method,
        route=row.route,
        status=int(row.status),
        outcome=row.outcome,
        trace_id=row.trace_id,
        client_id=row.client_id,
        principal_kind=row.principal_kind,
        user=row.acting_user,
        environment=row.environment,
        records=tuple(str(r) for r in (row.records or ())),
    )
    return ChainedEntry(int(row.seq), record, row.previous_hash, row.hash)
