"""The dead-letter store: failed attempts while an event is retried, then its dead letter.

Every failed delivery adds a row to ``event_failures`` (attempt, error code, a safe
message; never an exception's text, which may hold PHI). When an event exhausts its
deliveries, one transaction turns those rows into the ``errors`` of a dead letter and
deletes them. The dead letter is unique per (subscription, stream, stream sequence), so
a consumer that crashes between recording and terminating the message and sees it
again cannot record it twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.store.events_schema import event_dead_letters, event_failures

_MESSAGE_LIMIT = 500


@dataclass(frozen=True, slots=True)
class AttemptError:
    """One failed delivery: which attempt, a stable code and a safe message."""

    attempt: int
    code: str
    message: str
    failed_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "attempt": self.attempt,
            "code": self.code,
            "message": self.message,
            "failed_at": self.failed_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """An event that exhausted its deliveries to one subscription."""

    id: int
    subscription: str
    stream: str
    stream_seq: int
    event_id: str
    event_type: str
    subject: str
    headers: dict[str, str]
    payload: bytes
    errors: list[dict[str, Any]]
    attempts: int
    status: str
    dead_lettered_at: datetime
    redriven_at: datetime | None
    redrive_count: int


class DeadLetters:
    """The ``event_failures`` and ``event_dead_letters`` tables."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def record_failure(
        self,
        *,
        subscription: str,
        stream: str,
        stream_seq: int,
        attempt: int,
        code: str,
        message: str,
        failed_at: datetime,
    ) -> None:
        """Keep one failed attempt of a delivery until it succeeds or is dead-lettered."""
        statement = event_failures.insert().values(
            subscription=subscription,
            stream=stream,
            stream_seq=stream_seq,
            attempt=attempt,
            code=code[:64],
            message=message[:_MESSAGE_LIMIT],
            failed_at=failed_at,
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def failures(self, subscription: str, stream: str, stream_seq: int) -> list[AttemptError]:
        """The recorded failed attempts of one delivery, oldest first."""
        table = event_failures.c
        query = (
            select(event_failures)
            .where(
                table.subscription == subscription,
                table.stream == stream,
                table.stream_seq == stream_seq,
            )
            .order_by(table.id)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [AttemptError(row.attempt, row.code, row.message, row.failed_at) for row in rows]

    async def clear_failures(self, subscription: str, stream: str, stream_seq: int) -> None:
        """Forget the failed attempts of a delivery that finally succeeded."""
        table = event_failures.c
        statement = delete(event_failures).where(
            table.subscription == subscription,
            table.stream == stream,
            table.stream_seq == stream_seq,
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def add(
        self,
        *,
        subscription: str,
        stream: str,
        stream_seq: int,
        event_id: str,
        event_type: str,
        subject: str,
        headers: Mapping[str, str],
        payload: bytes,
        last_error: AttemptError | None,
        attempts: int,
        dead_lettered_at: datetime,
    ) -> int | None:
        """Dead-letter a delivery with every recorded error; None when it already was."""
        table = event_failures.c
        where = (
            table.subscription == subscription,
            table.stream == stream,
            table.stream_seq == stream_seq,
        )
        try:
            async with self._engine.begin() as connection:
                rows = (
                    await connection.execute(
                        select(event_failures).where(*where).order_by(table.id)
                    )
                ).all()
                errors = [
                    AttemptError(row.attempt, row.code, row.message, row.failed_at).to_dict()
                    for row in rows
                ]
                if last_error is not None:
                    errors.append(last_error.to_dict())
                result = await connection.execute(
                    event_dead_letters.insert()
                    .values(
                        subscription=subscription,
                        stream=stream,
                        stream_seq=stream_seq,
                        event_id=event_id,
                        event_type=event_type,
                        subject=subject[:255],
                        headers=dict(headers),
                        payload=payload,
                        errors=errors,
                        attempts=attempts,
                        status="dead",
                        dead_lettered_at=dead_lettered_at,
                        redrive_count=0,
                    )
                    .returning(event_dead_letters.c.id)
                )
                dead_letter_id = int(result.scalar_one())
                await connection.execute(delete(event_failures).where(*where))
                return dead_letter_id
        except IntegrityError:
            return None

    async def get(self, dead_letter_id: int) -> DeadLetter | None:
        """The dead letter with this id, or None."""
        query = select(event_dead_letters).where(event_dead_letters.c.id == dead_letter_id)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).one_or_none()
        return None if row is None else _dead_letter(row)

    async def latest(
        self,
        limit: int = 50,
        *,
        subscription: str | None = None,
        status: str | None = None,
    ) -> list[DeadLetter]:
        """The ``limit`` most recent dead letters, newest first."""
        query = select(event_dead_letters).order_by(event_dead_letters.c.id.desc()).limit(limit)
        if subscription is not None:
            query = query.where(event_dead_letters.c.subscription == subscription)
        if status is not None:
            query = query.where(event_dead_letters.c.status == status)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_dead_letter(row) for row in rows]

    async def waiting(self, *, subscription: str | None = None) -> Sequence[int]:
        """Ids of every dead letter not yet re-driven, oldest first."""
        query = (
            select(event_dead_letters.c.id)
            .where(event_dead_letters.c.status == "dead")
            .order_by(event_dead_letters.c.id)
        )
        if subscription is not None:
            query = query.where(event_dead_letters.c.subscription == subscription)
        async with self._engine.connect() as connection:
            return [int(value) for value in (await connection.execute(query)).scalars()]

    async def mark_redriven(self, dead_letter_id: int, at: datetime) -> None:
        """Record that the dead letter was re-published to its subscription."""
        statement = (
            update(event_dead_letters)
            .where(event_dead_letters.c.id == dead_letter_id)
            .values(
                status="redriven",
                redriven_at=at,
                redrive_count=event_dead_letters.c.redrive_count + 1,
            )
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def count(self, *, status: str | None = None) -> int:
        """How many dead letters there are (with ``status``, when given)."""
        query = select(func.count()).select_from(event_dead_letters)
        if status is not None:
            query = query.where(event_dead_letters.c.status == status)
        async with self._engine.connect() as connection:
            return int((await connection.execute(query)).scalar_one())


def _dead_letter(row: Row[Any]) -> DeadLetter:
    return DeadLetter(
        id=row.id,
        subscription=row.subscription,
        stream=row.stream,
        stream_seq=row.stream_seq,
        event_id=row.event_id,
        event_type=row.event_type,
        subject=row.subject,
        headers=dict(row.headers or {}),
        payload=bytes(row.payload),
        errors=list(row.errors or []),
        attempts=row.attempts,
        status=row.status,
        dead_lettered_at=row.dead_lettered_at,
        redriven_at=row.redriven_at,
        redrive_count=row.redrive_count,
    )
