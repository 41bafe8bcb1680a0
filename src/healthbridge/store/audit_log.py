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
from sqlalchemy.engine import Dialect, Row
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
        async with self._lock, self._engine.begin() as connection:
            await _lock_head(connection)
            head = (
                await connection.execute(
                    select(audit_log.c.seq, audit_log.c.hash)
                    .order_by(audit_log.c.seq.desc())
                    .limit(1)
                )
            ).one_or_none()
            seq, previous = (int(head.seq), str(head.hash)) if head else (0, GENESIS_HASH)
            insert = _insert_for(connection.dialect)
            rows: list[tuple[Any, ...]] = []
            for record in records:
                seq += 1
                digest = record_hash(previous, record, seq)
                rows.append(insert.values(seq, record, previous, digest))
                previous = digest
            await connection.exec_driver_sql(insert.sql, rows)
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
    # On SQLite the store engine's begin() already took the write lock (BEGIN IMMEDIATE,
    # waiting out another process's writer), so a second process waits there.
    if connection.dialect.name == "postgresql":
        await connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY}
        )


_COLUMNS = (
    "seq",
    "at",
    "method",
    "route",
    "status",
    "outcome",
    "trace_id",
    "client_id",
    "principal_kind",
    "acting_user",
    "environment",
    "records",
    "previous_hash",
    "hash",
)
"""The order in which ``_Insert.values`` lays out an entry: every column of the table."""


class _Insert:
    """The audit INSERT as the driver takes it, compiled once per dialect.

    SQLAlchemy's own ``execute(insert, rows)`` turns every row into parameters through
    its generic machinery (and, on SQLite and asyncpg, one many-values statement per
    batch): under load that cost three times what SQLite itself spends on the row. The
    statement here is SQLAlchemy's own compilation of ``audit_log.insert()``, and each
    value goes through the column type's own bind processor for the dialect, so the
    stored values are exactly those SQLAlchemy would have written; only the per-row
    bookkeeping is gone (``executemany`` with positional rows).
    """

    def __init__(self, dialect: Dialect) -> None:
        compiled = audit_log.insert().compile(dialect=dialect)
        positions = list(compiled.positiontup or ())
        if sorted(positions) != sorted(_COLUMNS) or len(positions) != len(_COLUMNS):
            raise RuntimeError("the audit INSERT does not bind every column once")
        self.sql = str(compiled)
        self._order = tuple(_COLUMNS.index(name) for name in positions)
        processors = []
        for position, name in enumerate(positions):
            column_type = audit_log.c[name].type
            process = column_type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors.append((position, process))
        self._processors = tuple(processors)

    def values(self, seq: int, record: AuditRecord, previous: str, digest: str) -> tuple[Any, ...]:
        """Entry ``seq``'s positional parameters, processed for the dialect."""
        entry = (
            seq,
            record.at,
            record.method,
            record.route,
            record.status,
            record.outcome,
            record.trace_id,
            record.client_id,
            record.principal_kind,
            record.user,
            record.environment,
            list(record.records),
            previous,
            digest,
        )
        row = [entry[index] for index in self._order]
        for position, process in self._processors:
            row[position] = process(row[position])
        return tuple(row)


_INSERTS: dict[int, tuple[Dialect, _Insert]] = {}


def _insert_for(dialect: Dialect) -> _Insert:
    """The compiled INSERT for ``dialect`` (an engine's dialect lives as long as it does)."""
    cached = _INSERTS.get(id(dialect))
    if cached is None or cached[0] is not dialect:
        if len(_INSERTS) >= 16:
            _INSERTS.clear()
        cached = _INSERTS[id(dialect)] = (dialect, _Insert(dialect))
    return cached[1]


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
