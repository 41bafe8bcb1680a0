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

**A change read while its second is still open is read again once it is over.** Odoo's
RPC reads give ``write_date`` in whole seconds, so writes to one record within one
second (a purchase order created, confirmed and updated by one workflow step) are one
change version: the change log folds their notifications into one row, which the relay
may read while the order is still a draft. The relay publishes what it read at once
(no added latency) and notes the change; once ``write_date + 1 s + settle_margin`` has
passed it reads the record again, and if the record is still at that version, publishes
what differs: an event type the first read did not give (``PurchaseOrderConfirmed``)
under the usual key, the same type with other facts under the key plus a fingerprint of
the facts. A record already at a later version is left to that version's own change.
The notes live in memory; a second cursor (``<relay>:settled``) marks how far every
change was re-read, and a relay that restarts re-reads the changes after it first.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

import structlog
from pydantic import ValidationError

from healthbridge.canonical.changes import RecordedChange
from healthbridge.canonical.events import CanonicalEvent
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
RESUME_WINDOW: Final = 4
"""Pages before the cursor a restarted relay re-reads when its ``:settled`` cursor is behind."""


@dataclass(frozen=True, slots=True)
class RelayReport:
    """What one round did: changes read, events published, changes without an event."""

    changes: int
    events: int
    skipped: int
    position: int


@dataclass(frozen=True, slots=True)
class _Unsettled:
    """A change read while its second was open: what its first read gave, when to re-read.

    ``first`` is None for a change whose first read happened before a restart.
    """

    change: RecordedChange
    settles_at: datetime
    first: frozenset[tuple[str, str]] | None


def _facts(event: CanonicalEvent) -> tuple[str, str]:
    """(type, fingerprint of the facts) of an event."""
    digest = hashlib.sha256(event.model_dump_json().encode()).hexdigest()[:16]
    return event.event_type, digest


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A page read and mapped, ready to publish."""

    report: RelayReport
    outgoing: list[OutgoingEvent]
    unsettled: list[_Unsettled]


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
        self._unsettled: list[_Unsettled] = []
        self._restarted = True

    def _parent_of(self, change: RecordedChange) -> str | None:
        """The ``traceparent`` of the request that wrote the record, when one is known."""
        return self._traces(change.model, change.record_id) if self._traces else None

    def _settles_at(self, change: RecordedChange) -> datetime:
        return change.write_date.replace(microsecond=0) + ONE_SECOND + self._settle_margin

    @property
    def unsettled_for(self) -> float | None:
        """Seconds until the next noted change may be re-read, or None when none is noted."""
        if not self._unsettled:
            return None
        first = min(u.settles_at for u in self._unsettled)
        return max(0.0, (first - self._clock.now()).total_seconds())

    def wake(self) -> None:
        """End an idle wait now: a change was recorded (a change log's listener)."""
        self._wake.set()

    async def run_once(self) -> RelayReport:
        """Publish the next page of changes and move the cursor past it."""
        await self._resume_after_restart()
        position = await self._cursors.get(self.name)
        page = await self._changes.since(position, limit=self._page_size)
        if not page:
            await self.recheck_settled()
            return RelayReport(0, 0, 0, position)
        prepared = await self._prepare(page)
        await self._publish(prepared, None)
        await self.recheck_settled()
        return prepared.report

    async def _prepare(self, page: list[RecordedChange]) -> _Prepared:
        records = await self._read(page)
        outgoing: list[OutgoingEvent] = []
        unsettled: list[_Unsettled] = []
        skipped = 0
        now = self._clock.now()
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
            parent = self._parent_of(change)
            outgoing.extend(OutgoingEvent(event, key, parent) for event in events)
            settles_at = self._settles_at(change)
            if settles_at > now and change.model in RELAYED_FIELDS:
                first = frozenset(_facts(event) for event in events)
                unsettled.append(_Unsettled(change, settles_at, first))
        report = RelayReport(len(page), len(outgoing), skipped, page[-1].id)
        return _Prepared(report, outgoing, unsettled)

    async def _publish(self, prepared: _Prepared, before: asyncio.Task[None] | None) -> None:
        """Publish a page; once acked and ``before`` (the previous page) saved, save its cursor."""
        if prepared.outgoing:
            await self._publisher.publish_all(prepared.outgoing)
        if before is not None:
            await before  # raises when the previous page failed: this cursor must not move
        report = prepared.report
        self._unsettled.extend(prepared.unsettled)
        if not self._unsettled:  # nothing noted before this position: all of it is settled
            await self._cursors.save(self._settled_name, report.position, self._clock.now())
        await self._cursors.save(self.name, report.position, self._clock.now())
        log.info(
            "changes_relayed",
            changes=report.changes,
            events=report.events,
            position=report.position,
        )

    async def run_until_idle(self) -> int:
        """Relay until no change is left (pipelined); how many events were published."""
        await self._resume_after_restart()
        total = 0
        position = await self._cursors.get(self.name)
        in_flight: list[asyncio.Task[None]] = []
        try:
            while True:
                page = await self._changes.since(position, limit=self._page_size)
                if not page:
                    break
                prepared = await self._prepare(page)
                before = in_flight[-1] if in_flight else None
                in_flight.append(asyncio.create_task(self._publish(prepared, before)))
                total += prepared.report.events
                position = prepared.report.position
                if len(in_flight) >= PAGES_IN_FLIGHT:
                    await in_flight.pop(0)
                if len(page) < self._page_size:
                    break
            while in_flight:
                await in_flight.pop(0)
        finally:
            await _settle(in_flight)
        return total + await self.recheck_settled()

    @property
    def _settled_name(self) -> str:
        return f"{self.name}:settled"

    async def _resume_after_restart(self) -> None:
        """Note the changes a previous run published but never re-read (once per start)."""
        if not self._restarted:
            return
        position = await self._cursors.get(self.name)
        # Only the last pages before a stop can have been read while their second was
        # open; a relay upgraded from a version without this cursor starts there too.
        settled = max(
            await self._cursors.get(self._settled_name), position - RESUME_WINDOW * self._page_size
        )
        while settled < position:
            page = await self._changes.since(settled, limit=self._page_size)
            page = [c for c in page if c.id <= position]
            if not page:
                break
            self._unsettled.extend(
                _Unsettled(c, self._settles_at(c), None) for c in page if c.model in RELAYED_FIELDS
            )
            settled = page[-1].id
        self._restarted = False

    async def recheck_settled(self) -> int:
        """Re-read the noted changes whose second is over; publish what differs; how many."""
        now = self._clock.now()
        due = [u for u in self._unsettled if u.settles_at <= now]
        if not due:
            return 0
        published = 0
        # A page at a time, like the relay's own reads: after a burst of changes the
        # re-reads do not hold up the loop (and every event behind them) in one piece.
        for first in range(0, len(due), self._page_size):
            published += await self._recheck(due[first : first + self._page_size])
        done = {id(u) for u in due}
        self._unsettled = [u for u in self._unsettled if id(u) not in done]
        position = await self._cursors.get(self.name)
        settled_up_to = min((u.change.id - 1 for u in self._unsettled), default=position)
        await self._cursors.save(self._settled_name, settled_up_to, self._clock.now())
        return published

    async def _recheck(self, due: list[_Unsettled]) -> int:
        """Re-read ``due`` and publish what differs from what was published; how many."""
        records = await self._read([u.change for u in due], with_write_date=True)
        outgoing: list[OutgoingEvent] = []
        for noted in due:
            change = noted.change
            record = records.get((change.model, change.record_id))
            version = _version(record) if record is not None else None
            if version is not None and version != change.write_date.replace(microsecond=0):
                continue  # a later version exists: its own change carries the newest facts
            try:
                events = events_for_change(change, record)
            except (ValueError, ValidationError):
                continue
            key = source_key(change)
            parent = self._parent_of(change)
            first_types = {t for t, _ in noted.first or ()}
            for event in events:
                facts = _facts(event)
                if noted.first is not None and facts in noted.first:
                    continue
                same_type_changed = noted.first is not None and facts[0] in first_types
                event_key = f"{key}:{facts[1]}" if same_type_changed else key
                outgoing.append(OutgoingEvent(event, event_key, parent))
        if outgoing:
            await self._publisher.publish_all(outgoing)
            log.info("changes_rechecked", changes=len(due), events=len(outgoing))
        return len(outgoing)

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
                pending = self.unsettled_for
                idle = wait if pending is None else min(wait, pending)
                await _wait_any(stop, self._wake, idle)

    async def _read(
        self, page: list[RecordedChange], *, with_write_date: bool = False
    ) -> dict[tuple[str, int], Record]:
        ids: dict[str, set[int]] = defaultdict(set)
        for change in page:
            if change.model in RELAYED_FIELDS:
                ids[change.model].add(change.record_id)
        found: dict[tuple[str, int], Record] = {}
        for model, record_ids in ids.items():
            fields = [*RELAYED_FIELDS[model], *(("write_date",) if with_write_date else ())]
            rows = await self._odoo.read(model, sorted(record_ids), fields, context=READ_CONTEXT)
            for row in rows:
                found[(model, int(row["id"]))] = row
        return found


def _version(record: Record) -> datetime | None:
    """The record's ``write_date`` as Odoo's RPC gives it (``YYYY-MM-DD HH:MM:SS``, UTC)."""
    value = record.get("write_date")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC, microsecond=0)
    except ValueError:
        return None


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
