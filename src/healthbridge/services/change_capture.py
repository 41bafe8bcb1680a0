"""Change capture from Odoo: webhook intake and the ``write_date`` poller.

Odoo's webhooks are fast but unreliable (no retry, sent once per trigger, duplicated on
recomputations); polling by ``write_date`` is reliable but late. The hub runs both and
lets the change log collapse what they both saw, keyed on (model, id, write_date).

**Why the poller does not page with ``write_date > wd or (write_date = wd and id > n)``.**
Odoo stores ``write_date`` with microseconds but its RPC reads return whole seconds, and
domain comparisons run against the stored value. With that domain, ``write_date = wd``
matches almost nothing and ``write_date > wd`` matches the whole second ``wd`` again, so
more than a page of records in one second (one bulk write) repeats forever. The poller
therefore pages over (second, id) explicitly: it finishes one second in id order, then
jumps to the next second. Every page is a prefix of a total order, so nothing is skipped
and the loop always moves forward.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any, Final, Literal

import structlog

from healthbridge.canonical.changes import (
    OdooChange,
    Watermark,
    format_odoo_datetime,
)
from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.errors import HealthbridgeError
from healthbridge.core.settings import CaptureSettings
from healthbridge.services.ports import ChangeLogPort, Domain, OdooPort, WatermarkPort

log = structlog.get_logger(__name__)

POLL_FIELDS: Final = ("id", "write_date")
ONE_SECOND: Final = timedelta(seconds=1)
# active_test off: archiving a record is a write the hub must see, but Odoo's search
# hides archived records by default.
POLL_CONTEXT: Final = {"active_test": False}

DEFAULT_QUEUE_SIZE = 10_000


@dataclass(frozen=True)
class AcceptedWebhook:
    """What the receiver did with a valid webhook: queued it, or dropped it (queue full)."""

    change: OdooChange
    outcome: Literal["queued", "dropped"]


class ChangeIntake:
    """Takes webhook bodies from the receiver and records them off the request path.

    Odoo sends webhooks synchronously inside the write that caused them, with a 1-second
    timeout each, so the receiver must answer at once. ``accept`` only parses and puts the
    change on a bounded queue; a background task records it. When the queue is full the
    change is dropped with a ``odoo_webhook_dropped`` event and the receiver still answers
    200: refusing would not make Odoo retry (it never does), and the poller reads the same
    change from ``write_date`` a little later.
    """

    def __init__(
        self,
        changes: ChangeLogPort,
        *,
        queue_size: int = DEFAULT_QUEUE_SIZE,
        clock: Clock | None = None,
    ) -> None:
        self._changes = changes
        self._clock = clock or SystemClock()
        self._queue: asyncio.Queue[OdooChange] = asyncio.Queue(maxsize=queue_size)
        self._task: asyncio.Task[None] | None = None
        self.dropped = 0
        self.failed = 0

    @property
    def pending(self) -> int:
        """Changes accepted but not yet recorded."""
        return self._queue.qsize()

    @property
    def running(self) -> bool:
        """Whether the background consumer is running."""
        return self._task is not None and not self._task.done()

    def accept(self, body: Any, *, integration: str = "odoo") -> AcceptedWebhook:
        """Parse an Odoo webhook body and queue its change; never waits.

        Raises ``OdooChangeError`` (naming what is missing) when ``body`` is not a webhook.
        """
        change = OdooChange.from_webhook(body, observed_at=self._clock.now())
        facts = {
            "integration": integration,
            "model": change.model,
            "record_id": change.record_id,
            "write_date": change.write_date.isoformat(),
        }
        try:
            self._queue.put_nowait(change)
        except asyncio.QueueFull:
            self.dropped += 1
            log.warning("odoo_webhook_dropped", reason="queue_full", **facts)
            return AcceptedWebhook(change, "dropped")
        log.debug("odoo_webhook_queued", **facts)
        return AcceptedWebhook(change, "queued")

    async def start(self) -> None:
        """Start the background task that records queued changes (idempotent)."""
        if not self.running:
            self._task = asyncio.create_task(self._consume(), name="healthbridge-change-intake")

    async def drain(self) -> None:
        """Wait until every change accepted so far has been recorded (or has failed)."""
        await self._queue.join()

    async def stop(self, *, drain_timeout: float = 5.0) -> None:
        """Record what is queued (for at most ``drain_timeout`` s), then stop the task."""
        task, self._task = self._task, None
        if task is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), timeout=drain_timeout)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if self._queue.qsize():
            log.warning("odoo_webhook_queue_abandoned", pending=self._queue.qsize())

    async def _consume(self) -> None:
        while True:
            change = await self._queue.get()
            try:
                await self._changes.record(change)
            except Exception as exc:  # the poller re-reads it; the intake must live on
                self.failed += 1
                log.error(  # noqa: TRY400 - a traceback could carry field values (PHI)
                    "odoo_change_record_failed",
                    model=change.model,
                    record_id=change.record_id,
                    write_date=change.write_date.isoformat(),
                    **_error_facts(exc),
                )
            finally:
                self._queue.task_done()


@dataclass(frozen=True)
class ModelPollReport:
    """What one poll of one model did."""

    model: str
    pages: int = 0
    seen: int = 0
    new: int = 0
    watermark: Watermark | None = None
    error: str | None = None


@dataclass(frozen=True)
class PollReport:
    """What one poller round did, per model."""

    models: tuple[ModelPollReport, ...] = field(default_factory=tuple)

    @property
    def seen(self) -> int:
        """Rows read from Odoo in this round (overlap re-reads included)."""
        return sum(report.seen for report in self.models)

    @property
    def new(self) -> int:
        """Changes recorded for the first time in this round."""
        return sum(report.new for report in self.models)

    @property
    def failed(self) -> tuple[str, ...]:
        """Models whose poll stopped on an error; their watermark stayed where it was."""
        return tuple(report.model for report in self.models if report.error is not None)


@dataclass
class _Pages:
    """A reading position in one model and what reading from it has done so far."""

    second: datetime | None
    """The second the next read starts in (None: from the first record)."""
    after_id: int
    position: Watermark | None
    """The watermark the recorded pages carry: the furthest read so far."""
    until: datetime | None = None
    """The last second to read (a sweep's); None reads to the newest record."""
    second_read: bool = False
    """Whether ``second`` has been read to its end (the later seconds are next)."""
    finished: bool = False
    read: int = 0
    seen: int = 0
    new: int = 0

    def then(self, later: _Pages) -> _Pages:
        """Both readings' counts, at ``later``'s position (it went on from this one's)."""
        return _Pages(
            None,
            0,
            later.position,
            read=self.read + later.read,
            seen=self.seen + later.seen,
            new=self.new + later.new,
        )


@dataclass
class _Sweep:
    """A sweep of the overlap under way: its reading, when it began and at what watermark."""

    pages: _Pages
    started: float
    began_at: Watermark


class ChangePoller:
    """Reads every change of each model from Odoo by ``write_date`` and records it.

    Per model it keeps a watermark ``(write_date, id)``; each round reads pages past it
    until caught up, moving the watermark with each page in the same store transaction.
    A transaction that began earlier may commit later (Odoo stamps ``write_date`` at its
    start), so the poller also *sweeps*: it re-reads from ``overlap_seconds`` before the
    watermark held when the previous sweep began, up to the watermark. A sweep begins at
    most every ``sweep_interval_seconds`` and reads ``sweep_pages_per_round`` pages a
    round, after the round's new changes. Re-reading the whole overlap every round would
    make a poller run back to back read each record hundreds of times, and one long
    re-read after a burst would hold back every change written meanwhile; the sweep still
    covers every late commit that rewinding on every round would have caught, only up to
    a sweep later.
    """

    def __init__(
        self,
        odoo: OdooPort,
        changes: ChangeLogPort,
        watermarks: WatermarkPort,
        *,
        models: Sequence[str],
        page_size: int = 200,
        overlap_seconds: float = 2.0,
        sweep_interval_seconds: float = 1.0,
        sweep_pages_per_round: int = 2,
        poll_interval_seconds: float = 30.0,
        initial_backoff_seconds: float = 1.0,
        max_backoff_seconds: float = 300.0,
        clock: Clock | None = None,
    ) -> None:
        if page_size < 1 or sweep_pages_per_round < 1:
            raise ValueError("page_size and sweep_pages_per_round must be at least 1")
        self._odoo = odoo
        self._changes = changes
        self._watermarks = watermarks
        self.models = tuple(models)
        self._page_size = page_size
        self._overlap = overlap_seconds
        self._sweep_interval = sweep_interval_seconds
        self._sweep_pages = sweep_pages_per_round
        self._sweeps: dict[str, _Sweep] = {}
        """Per model, the sweep under way."""
        self._last_sweep: dict[str, tuple[float, Watermark]] = {}
        """Per model: when the last finished sweep began, and the watermark it began at."""
        self._interval = poll_interval_seconds
        self._initial_backoff = initial_backoff_seconds
        self._max_backoff = max_backoff_seconds
        self._clock = clock or SystemClock()

    @classmethod
    def from_settings(
        cls,
        odoo: OdooPort,
        changes: ChangeLogPort,
        watermarks: WatermarkPort,
        settings: CaptureSettings,
        *,
        clock: Clock | None = None,
    ) -> ChangePoller:
        """A poller configured by the ``capture`` settings section."""
        return cls(
            odoo,
            changes,
            watermarks,
            models=settings.models,
            page_size=settings.page_size,
            overlap_seconds=settings.overlap_seconds,
            sweep_interval_seconds=settings.sweep_interval_seconds,
            poll_interval_seconds=settings.poll_interval_seconds,
            max_backoff_seconds=settings.max_backoff_seconds,
            clock=clock,
        )

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Poll until ``stop`` is set (or the task is cancelled), backing off on errors.

        After a clean round it sleeps ``poll_interval_seconds``; after a round with a
        failed model it sleeps a doubling back-off, keeping that model's watermark.
        """
        stop = stop or asyncio.Event()
        failures = 0
        while not stop.is_set():
            report = await self.run_once()
            if report.failed:
                failures += 1
                delay = min(self._max_backoff, self._initial_backoff * 2 ** (failures - 1))
                log.warning("odoo_poll_backoff", models=list(report.failed), delay_seconds=delay)
            else:
                failures = 0
                delay = self._interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)

    async def run_once(self) -> PollReport:
        """Poll every model until caught up; a failing model does not stop the others."""
        reports = []
        for model in self.models:
            try:
                reports.append(await self.poll_model(model))
            except Exception as exc:  # reported, logged and retried with back-off
                facts = _error_facts(exc)
                # No traceback: Odoo's error texts may quote record values (PHI).
                log.error("odoo_poll_failed", model=model, **facts)  # noqa: TRY400
                reports.append(ModelPollReport(model=model, error=next(iter(facts.values()))))
        return PollReport(tuple(reports))

    async def poll_model(self, model: str) -> ModelPollReport:
        """Read ``model`` past its watermark, then a step of the overlap sweep; raises on errors."""
        started = self._clock.monotonic()
        stored = await self._watermarks.get(model)
        if stored is None:
            tail = _Pages(None, 0, None)
        else:
            tail = _Pages(stored.write_date, stored.record_id, stored)
        await self._read_pages(model, tail)
        done = tail
        if stored is None:
            # The first read took everything there was: it counts as a sweep begun now.
            if tail.position is not None:
                self._last_sweep[model] = (started, tail.position)
        elif self._overlap > 0:
            sweep = self._sweeps.get(model) or self._begin_sweep(model, stored, started)
            if sweep is not None:
                # This round's counts only; the watermark its pages carry is the furthest.
                sweep.pages.read = sweep.pages.seen = sweep.pages.new = 0
                sweep.pages.position = tail.position
                await self._read_pages(model, sweep.pages, max_pages=self._sweep_pages)
                if sweep.pages.finished:
                    del self._sweeps[model]
                    self._last_sweep[model] = (sweep.started, sweep.began_at)
                done = tail.then(sweep.pages)
        if done.new:
            log.info(
                "odoo_poll_recorded", model=model, new=done.new, seen=done.seen, pages=done.read
            )
        return ModelPollReport(
            model=model, pages=done.read, seen=done.seen, new=done.new, watermark=done.position
        )

    def _begin_sweep(self, model: str, stored: Watermark, started: float) -> _Sweep | None:
        """A new sweep of the overlap when the last one began long enough ago, else None.

        It rewinds ``overlap_seconds`` from the watermark held when the previous sweep
        began: every round since began at or after it, so a late commit that rewinding
        from any of those rounds' own watermark would catch is read by this sweep. It
        reads up to the second of the watermark it begins at; later rows are the tail's,
        or the next sweep's. A new poller sweeps first (from the stored watermark).
        """
        last = self._last_sweep.get(model)
        if last is not None and started - last[0] < self._sweep_interval:
            return None
        base = stored if last is None else min(last[1], stored, key=attrgetter("position"))
        pages = _Pages(base.rewound(self._overlap), 0, stored, until=stored.write_date)
        sweep = _Sweep(pages, started, stored)
        self._sweeps[model] = sweep
        return sweep

    async def _read_pages(self, model: str, at: _Pages, *, max_pages: int | None = None) -> None:
        """Read and record pages from ``at``'s cursor on, moving it; at most ``max_pages``.

        ``at.finished`` once every row after the cursor (up to ``at.until``'s second, when
        set) is recorded. The watermark only ever moves forward (``_furthest``).
        """
        budget = max_pages

        def spend() -> bool:
            """Whether another page may be read (and count it)."""
            nonlocal budget
            if budget is None:
                return True
            budget -= 1
            return budget >= 0

        while True:
            second = at.second
            if second is not None and not at.second_read:
                if at.until is not None and second > at.until:
                    at.finished = True
                    return
                if not spend():
                    return
                changes = await self._read(model, _within_second(second, at.after_id), "id asc")
                if changes:
                    at.after_id = changes[-1].record_id
                    at.position = _furthest(at.position, model, second, at.after_id)
                    await self._record(at, changes)
                if len(changes) == self._page_size:
                    continue
                at.second_read = True
            if not spend():
                return
            changes = await self._read(
                model, _after_second(second, at.until), "write_date asc, id asc"
            )
            if not changes:
                at.finished = True
                return
            last_second = changes[-1].write_date
            if len(changes) < self._page_size:
                # Caught up: this page holds everything written after `second`.
                top = max(c.record_id for c in changes if c.write_date == last_second)
                at.position = _furthest(at.position, model, last_second, top)
                await self._record(at, changes)
                at.finished = True
                return
            # Rows come in stored (microsecond) order, so every second before the last one
            # is complete in this full page; the last one is finished in id order above.
            complete = [c for c in changes if c.write_date < last_second]
            if complete:
                at.position = _furthest(at.position, model, last_second, 0)
                await self._record(at, complete)
            at.second, at.after_id, at.second_read = last_second, 0, False

    async def _record(self, at: _Pages, changes: list[OdooChange]) -> None:
        assert at.position is not None  # every caller has just moved it past these rows
        at.new += await self._changes.record_page(changes, at.position)
        at.read, at.seen = at.read + 1, at.seen + len(changes)

    async def _read(self, model: str, domain: Domain, order: str) -> list[OdooChange]:
        rows = await self._odoo.search_read(
            model,
            domain,
            fields=list(POLL_FIELDS),
            order=order,
            limit=self._page_size,
            context=POLL_CONTEXT,
        )
        now = self._clock.now()
        return [OdooChange.from_polled_row(model, row, observed_at=now) for row in rows]


def _within_second(second: datetime, after_id: int) -> Domain:
    """Records whose write_date falls in ``second`` (whatever its microseconds), id > after_id."""
    return [
        ("write_date", ">=", format_odoo_datetime(second)),
        ("write_date", "<", format_odoo_datetime(second + ONE_SECOND)),
        ("id", ">", after_id),
    ]


def _after_second(second: datetime | None, until: datetime | None = None) -> Domain:
    """Records written in any later second (up to ``until``'s); every record when None."""
    domain: list[Any] = (
        [("write_date", "!=", False)]
        if second is None
        else [("write_date", ">=", format_odoo_datetime(second + ONE_SECOND))]
    )
    if until is not None:
        domain.append(("write_date", "<", format_odoo_datetime(until + ONE_SECOND)))
    return domain


def _furthest(current: Watermark | None, model: str, second: datetime, record_id: int) -> Watermark:
    """The later of ``current`` and ``(second, record_id)``: a watermark never moves back."""
    candidate = Watermark(model=model, write_date=second, record_id=record_id)
    if current is not None and current.position >= candidate.position:
        return Watermark(model=model, write_date=current.write_date, record_id=current.record_id)
    return candidate


def _error_facts(exc: BaseException) -> dict[str, str]:
    """What may be logged about an error: its stable code or type, never its message (PHI)."""
    if isinstance(exc, HealthbridgeError):
        return {"error_code": exc.code}
    return {"error_type": type(exc).__name__}
