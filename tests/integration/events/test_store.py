"""The events tables on SQLite and PostgreSQL: dead letters, subscriptions, relay cursors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.store import (
    events_schema,  # noqa: F401 - registers the events tables
    message_schema,  # noqa: F401 - registers hl7_messages
)
from healthbridge.store.dead_letters import AttemptError, DeadLetters
from healthbridge.store.event_cursors import RelayCursors
from healthbridge.store.schema import metadata
from healthbridge.store.subscriptions import Subscriptions

WHEN = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
EVENTS_TABLES = {
    "event_subscriptions",
    "event_failures",
    "event_dead_letters",
    "event_relay_cursors",
}


def _delivery(seq: int = 7) -> dict:
    return {"subscription": "erp", "stream": "HB_BILLING", "stream_seq": seq}


async def _dead_letter(letters: DeadLetters, seq: int = 7) -> int | None:
    return await letters.add(
        **_delivery(seq),
        event_id="e-1",
        event_type="org.healthbridge.invoice.paid.v1",
        subject="account.move/3",
        headers={"ce-id": "e-1"},
        payload=b'{"number":"INV/1"}',
        last_error=AttemptError(3, "handler.exception", "the handler raised KeyError", WHEN),
        attempts=3,
        dead_lettered_at=WHEN,
    )


class TestEventsStore:
    async def test_the_events_migration_matches_the_table_definitions(
        self, store_engine: AsyncEngine
    ):
        async with store_engine.connect() as connection:
            differences = await connection.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), metadata)
            )

        assert [d for d in differences if any(name in repr(d) for name in EVENTS_TABLES)] == []

    async def test_a_dead_letter_keeps_every_failed_attempt_in_order(
        self, store_engine: AsyncEngine
    ):
        letters = DeadLetters(store_engine)
        for attempt in (1, 2):
            await letters.record_failure(
                **_delivery(), attempt=attempt, code="test.broken", message="refused",
                failed_at=WHEN + timedelta(seconds=attempt),
            )  # fmt: skip

        dead_letter_id = await _dead_letter(letters)

        letter = await letters.get(dead_letter_id)
        assert [e["attempt"] for e in letter.errors] == [1, 2, 3]
        assert letter.errors[-1]["code"] == "handler.exception"
        assert letter.payload == b'{"number":"INV/1"}'
        assert letter.status == "dead"
        assert await letters.failures("erp", "HB_BILLING", 7) == []

    async def test_the_same_delivery_is_dead_lettered_once(self, store_engine: AsyncEngine):
        letters = DeadLetters(store_engine)

        first = await _dead_letter(letters)
        again = await _dead_letter(letters)

        assert first is not None
        assert again is None
        assert await letters.count() == 1

    async def test_a_redriven_dead_letter_stops_waiting(self, store_engine: AsyncEngine):
        letters = DeadLetters(store_engine)
        first = await _dead_letter(letters, 1)
        second = await _dead_letter(letters, 2)

        await letters.mark_redriven(first, WHEN)

        assert await letters.waiting() == [second]
        redriven = await letters.get(first)
        assert (redriven.status, redriven.redrive_count) == ("redriven", 1)
        assert [letter.id for letter in await letters.latest(status="dead")] == [second]

    async def test_a_subscription_is_registered_once_and_updated(self, store_engine: AsyncEngine):
        registry = Subscriptions(store_engine)

        await registry.save(
            "erp", event_types=("b", "a"), scopes=("events:read",), max_deliveries=5, at=WHEN
        )
        await registry.save(
            "erp", event_types=("a",), scopes=("events:read", "data:phi"), max_deliveries=3,
            at=WHEN + timedelta(hours=1),
        )  # fmt: skip

        [record] = await registry.all()
        assert record.event_types == ("a",)
        assert record.scopes == ("data:phi", "events:read")
        assert record.created_at == WHEN
        assert record.updated_at == WHEN + timedelta(hours=1)

    async def test_a_relay_cursor_starts_at_zero_and_moves(self, store_engine: AsyncEngine):
        cursors = RelayCursors(store_engine)

        assert await cursors.get("odoo") == 0
        await cursors.save("odoo", 41, WHEN)
        await cursors.save("odoo", 42, WHEN)

        assert await cursors.get("odoo") == 42
