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

**A change is relayed once its second is over.** Odoo's RPC reads give ``write_date`` in
whole seconds, so writes to one record within one second (a purchase order created,
confirmed and updated by one workflow step) are one change version: the change log
folds their notifications into one row. Read while that second is still open, the
record could still be a draft, and the confirmation that follows in the same second
would never be read again. The relay therefore waits until ``write_date + 1 s +
settle_margin`` before reading a change (a fraction of a second on average; the margin
allows for the Odoo server's clock running behind the hub's).

**A backlog is relayed as a pipeline** (``run`` and ``run_until_idle``): while JetStream
acknowledges one page, the next page is read and mapped and its publishes start, so the
stream never waits for the store or Odoo. Cursors still move strictly in page order and
only past acknowledged pages: a page's cursor is saved after its own acks *and* after
the page before it was saved. A failure anywhere leaves the cursor at the last page
that was wholly acknowledged, and the repeats are duplicates JetStream drops. When idle
the relay sleeps until ``wake`` (a new change was recorded) or its interval passes.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

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
PAGES_IN_FLIGHT: Final = 2
"""Pages published but not yet acknowledged at once, while the next one is prepared."""
ONE_SECOND: Final = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class RelayReport:
    """What one round did: changes read, events published, changes without an event."""

    changes: int
    events: int
    skipped: int
    position: int


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A page read and mapped, ready to publish."""

    report: RelayReport
    outgoing: list[OutgoingEvent]


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
        settle_margin_seconds: float = 0.25,
        traces: Callable[[str, int], str | None] | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._changes = changes
        self._cursors = cursors
        self._publisher = publisher
        self._odoo = odoo
        self.name = name
        self._page_size = page_size
        self._clock = clock or SystemClock()
        self._wake = asyncio.Event()
        self._settle_margin = timedelta(seconds=settle_margin_seconds)
        self._traces = traces
        self._unsettled_for: float | None = None

    def _settled(self, page: list[RecordedChange]) -> list[RecordedChange]:
        """The prefix of ``page`` whose seconds are over; notes when the next one will be."""
        now = self._clock.now()
        for index, change in enumerate(page):
            settles_at = change.write_date.replace(microsecond=0) + ONE_SECOND + self._settle_margin
            if settles_at > now:
                self._unsettled_for = (settles_at - now).total_seconds()
                return page[:index]
        self._unsettled_for = None
        return page

    def wake(self) -> None:
        """End an idle wait now: a change was recorded (a change log's listener)."""
        self._wake.set()

    async def run_once(self) -> RelayReport:
        """Publish the next page of changes and move the cursor past it."""
        position = await self._cursors.get(self.name)
        page = self._settled(await self._changes.since(position, limit=self._page_size))
        if not page:
            return RelayReport(0, 0, 0, position)
        prepared = await self._prepare(page)
        await self._publish(prepared, None)
        return prepared.report

    async def _prepare(self, page: list[RecordedChange]) -> _Prepared:
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
            parent = self._traces(change.model, change.record_id) if self._traces else None
            outgoing.extend(OutgoingEvent(event, key, parent) for event in events)
        return _Prepared(RelayReport(len(page), len(outgoing), skipped, page[-1].id), outgoing)

    async def _publish(self, prepared: _Prepared, before: asyncio.Task[None] | None) -> None:
        """Publish a page; once acked and ``before`` (the previous page) saved, save its cursor."""
        if prepared.outgoing:
            await self._publisher.publish_all(prepared.outgoing)
        if before is not None:
            await before  # raises when the previous page failed: this cursor must not move
        report = prepared.report
        await self._cursors.save(self.name, report.position, self._clock.now())
        log.info(
            "changes_relayed",
            changes=report.changes,
            events=report.events,
            position=report.position,
        )

    async def run_until_idle(self) -> int:
        """Relay until no change is left (pipelined); how many events were published."""
        total = 0
        position = await self._cursors.get(self.name)
        in_flight: list[asyncio.Task[None]] = []
        try:
            while True:
                read = await self._changes.since(position, limit=self._page_size)
                page = self._settled(read)
                if not page:
                    break
                prepared = await self._prepare(page)
                before = in_flight[-1] if in_flight else None
                in_flight.append(asyncio.create_task(self._publish(prepared, before)))
                total += prepared.report.events
                position = prepared.report.position
                if len(in_flight) >= PAGES_IN_FLIGHT:
                    await in_flight.pop(0)
                if len(page) < len(read) or len(read) < self._page_size:
                    break
            while in_flight:
                await in_flight.pop(0)
        finally:
            await _settle(in_flight)
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
            self._wake.clear()
            try:
                await self.run_until_idle()
            except Exception as exc:  # a relay that dies silently loses every later change
                wait = min(wait * 2, max_backoff)
                code = getattr(exc, "code", type(exc).__name__)
                log.warning("change_relay_round_failed", error=code, retry_in=wait)
                await _wait_any(stop, None, wait)  # a wake must not cut a back-off short
            else:
                wait = interval
                idle = wait if self._unsettled_for is None else min(wait, self._unsettled_for)
                await _wait_any(stop, self._wake, idle)

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


async def _settle(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel and reap what is left of a pipeline that stopped early (its error is raised)."""
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def _wait_any(stop: asyncio.Event, wake: asyncio.Event | None, seconds: float) -> None:
    """Until ``stop`` or ``wake`` is set, or ``seconds`` have passed."""
    waiters = [asyncio.ensure_future(event.wait()) for event in (stop, wake) if event is not None]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)
