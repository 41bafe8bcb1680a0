"""The change relay: recorded Odoo changes -> canonical events -> published, exactly once.

Each round reads a page of changes after the relay's cursor, reads the changed records'
current facts from Odoo, maps them to events (``mappings.events``) and publishes the
page; only when JetStream acknowledged every event does the cursor move. A relay killed
in the middle of a page therefore starts that page again, and the events it had already
published come back with the same ``Nats-Msg-Id`` (derived from ``model:id:write_date``)
and are dropped by the stream's duplicate window (one hour by default). Past that
window a repeat is still recognisable downstream by its CloudEvent id.

The facts are read when the relay runs, so an event for an older change version carries
the record's values as of the relay's read; the event's ``occurred_at`` is the change's
own ``write_date``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from dataclasses import dataclass

import structlog
from pydantic import ValidationError

from healthbridge.canonical.changes import RecordedChange
from healthbridge.core.clock import Clock, SystemClock
from healthbridge.mappings.events import RELAYED_FIELDS, events_for_change, source_key
from healthbridge.services.event_ports import (
    ChangeFeedPort,
    EventPublisherPort,
    OutgoingEvent,
    RelayCursorPort,
)
from healthbridge.services.ports import OdooPort, Record

log = structlog.get_logger(__name__)

DEFAULT_RELAY = "odoo-changes"
READ_CONTEXT = {"active_test": False}


@dataclass(frozen=True, slots=True)
class RelayReport:
    """What one round did: changes read, events published, changes without an event."""

    changes: int
    events: int
    skipped: int
    position: int


class ChangeRelay:
    """Publishes the change log as canonical events; one round per ``run_once``."""

    def __init__(
        self,
        changes: ChangeFeedPort,
        cursors: RelayCursorPort,
        publisher: EventPublisherPort,
        odoo: OdooPort,
        *,
        name: str = DEFAULT_RELAY,
        page_size: int = 500,
        clock: Clock | None = None,
    ) -> None:
        self._changes = changes
        self._cursors = cursors
        self._publisher = publisher
        self._odoo = odoo
        self.name = name
        self._page_size = page_size
        self._clock = clock or SystemClock()

    async def run_once(self) -> RelayReport:
        """Publish the next page of changes and move the cursor past it."""
        position = await self._cursors.get(self.name)
        page = await self._changes.since(position, limit=self._page_size)
        if not page:
            return RelayReport(0, 0, 0, position)
        records = await self._read(page)
        outgoing: list[OutgoingEvent] = []
        skipped = 0
        for change in page:
            try:
                events = events_for_change(change, records.get((change.model, change.record_id)))
            except (ValueError, ValidationError):
                events = []
                log.warning(
                    "event_mapping_skipped",
                    model=change.model,
                    record_id=change.record_id,
                    reason="facts_missing",
                )
            skipped += not events
            key = source_key(change)
            outgoing.extend(OutgoingEvent(event, key) for event in events)
        if outgoing:
            await self._publisher.publish_all(outgoing)
        last = page[-1].id
        await self._cursors.save(self.name, last, self._clock.now())
        log.info("changes_relayed", changes=len(page), events=len(outgoing), position=last)
        return RelayReport(len(page), len(outgoing), skipped, last)

    async def run_until_idle(self) -> int:
        """Run rounds until no change is left; how many events were published."""
        total = 0
        while True:
            report = await self.run_once()
            total += report.events
            if report.changes < self._page_size:
                return total

    async def run(
        self, stop: asyncio.Event, *, interval: float = 0.5, max_backoff: float = 30.0
    ) -> None:
        """Relay until ``stop`` is set, waiting ``interval`` seconds when idle.

        A failed round (NATS away, the store busy, Odoo down) is logged and retried with
        doubling waits; the cursor did not move, so nothing is skipped, and the message
        ids make the retried publishes duplicates JetStream drops.
        """
        wait = interval
        while not stop.is_set():
            try:
                report = await self.run_once()
            except Exception as exc:  # a relay that dies silently loses every later change
                wait = min(wait * 2, max_backoff)
                code = getattr(exc, "code", type(exc).__name__)
                log.warning("change_relay_round_failed", error=code, retry_in=wait)
            else:
                wait = interval
                if report.changes >= self._page_size:
                    continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)

    async def _read(self, page: list[RecordedChange]) -> dict[tuple[str, int], Record]:
        ids: dict[str, set[int]] = defaultdict(set)
        for change in page:
            if change.model in RELAYED_FIELDS:
                ids[change.model].add(change.record_id)
        found: dict[tuple[str, int], Record] = {}
        for model, record_ids in ids.items():
            rows = await self._odoo.read(
                model, sorted(record_ids), list(RELAYED_FIELDS[model]), context=READ_CONTEXT
            )
            for row in rows:
                found[(model, int(row["id"]))] = row
        return found
