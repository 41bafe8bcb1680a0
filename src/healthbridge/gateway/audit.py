"""The audit of every call: recorded by a middleware, written in batches off the request path.

The middleware builds one ``AuditRecord`` per request (route template, never the raw
path, which may hold identifiers; never a body) and puts it on a bounded queue; a
background task chains batches onto the store's audit log. A full queue makes requests
wait (backpressure) rather than lose entries; a clean stop drains the queue. A SIGKILL
loses what is queued but not yet written: at most ``audit_flush_seconds`` of traffic
(or one batch in flight).

Routes report the records they touched with ``report_records(request, "res.partner:7")``.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

import structlog
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from healthbridge.gateway.route_templates import RouteTemplates
from healthbridge.security.audit_chain import AuditRecord, outcome_of
from healthbridge.security.principal import Principal
from healthbridge.store.audit_log import AuditLog

log = structlog.get_logger(__name__)

RECORDS_STATE_KEY = "records_touched"
"""Where on ``request.state`` a route lists the records it touched."""

_RETRY_SECONDS = 1.0


def report_records(request: Request, *references: str) -> None:
    """Name records this request touched (``model:id`` or ``Type/id``) in its audit entry."""
    touched = getattr(request.state, RECORDS_STATE_KEY, None)
    if not isinstance(touched, list):
        touched = []
        setattr(request.state, RECORDS_STATE_KEY, touched)
    touched.extend(references)


class AuditTrail:
    """A bounded queue of audit records and the task that writes them in batches."""

    def __init__(
        self, log_table: AuditLog, *, queue_size: int, batch_size: int, flush_seconds: float
    ) -> None:
        self.log = log_table
        self._queue: asyncio.Queue[AuditRecord] = asyncio.Queue(maxsize=queue_size)
        self._batch_size = batch_size
        self._flush_seconds = flush_seconds
        self._task: asyncio.Task[None] | None = None
        self._draining = asyncio.Event()
        self._wake = asyncio.Event()
        """Ends the writer's gathering pause early: a full batch, a flush or a stop."""
        self._flushing = 0

    async def add(self, record: AuditRecord) -> None:
        """Queue ``record``; waits only when the queue is full (the store is behind)."""
        if self._task is None:
            # Not started (a CLI or test app without lifespan): write synchronously.
            await self.log.append([record])
            return
        queue = self._queue
        if queue.full():
            await queue.put(record)
        else:  # the usual case: no second coroutine per request
            queue.put_nowait(record)
        if queue.qsize() >= self._batch_size - 1:
            self._wake.set()

    def start(self) -> None:
        """Start the writer task (in the app's lifespan)."""
        if self._task is None:
            self._draining.clear()
            self._task = asyncio.create_task(self._run(), name="healthbridge-audit-writer")

    async def flush(self) -> None:
        """Wait until every record queued so far is written (now, not after the pause)."""
        if self._task is None:
            return
        self._flushing += 1
        self._wake.set()
        try:
            await self._queue.join()
        finally:
            self._flushing -= 1

    async def stop(self) -> None:
        """Write everything queued, then stop the writer."""
        if self._task is None:
            return
        self._draining.set()
        await self.flush()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            # Let a burst gather for a moment: fewer, larger transactions under the lock.
            # One timed pause per batch, not a wake-up per record: under load the
            # records arrive one by one, and waiting for each would cost more CPU than
            # writing it. A full batch, a flush or a stop ends the pause at once.
            if self._gathering():
                self._wake.clear()
                if self._gathering():
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self._flush_seconds):
                            await self._wake.wait()
            while len(batch) < self._batch_size and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            await self._write(batch)
            for _ in batch:
                self._queue.task_done()

    def _gathering(self) -> bool:
        """Whether to wait for more records before writing the batch in hand."""
        return (
            not self._draining.is_set()
            and not self._flushing
            and self._queue.qsize() < self._batch_size - 1
        )

    async def _write(self, batch: list[AuditRecord]) -> None:
        while True:
            try:
                await self.log.append(batch)
            except Exception as error:  # keep the batch and retry
                log.error(  # noqa: TRY400 - the type is enough; the text may hold data
                    "audit_write_failed", error_type=type(error).__name__, entries=len(batch)
                )
                await asyncio.sleep(_RETRY_SECONDS)
            else:
                return


class AuditMiddleware:
    """Records every call (except ``skip`` routes) as its answer starts."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        trail: AuditTrail,
        environment: str,
        skip: frozenset[str],
        templates: RouteTemplates,
    ) -> None:
        self.app = app
        self._trail = trail
        self._templates = templates
        self._environment = environment
        self._skip = skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self._skip:
            await self.app(scope, receive, send)
            return
        at = datetime.now(UTC)
        recorded = False

        async def send_recording(message: Message) -> None:
            nonlocal recorded
            if message["type"] == "http.response.start" and not recorded:
                # Queued before the answer leaves: when the store is behind, the caller
                # waits here, so a client cannot outrun the audit with more requests on
                # the same connection (a record queued after the answer would let waiting
                # coroutines, and the memory they hold, pile up without bound).
                recorded = True
                await self._trail.add(self._record(scope, int(message["status"]), at))
            await send(message)

        try:
            await self.app(scope, receive, send_recording)
        finally:
            if not recorded:  # no answer started: the call failed before it had one
                await self._trail.add(self._record(scope, 500, at))

    def _record(self, scope: Scope, status: int, at: datetime) -> AuditRecord:
        state = scope.get("state", {})
        principal = state.get("principal")
        touched = state.get(RECORDS_STATE_KEY)
        method = scope["method"]
        if not isinstance(principal, Principal):
            principal = None
        return AuditRecord(
            at=at,
            method=method,
            route=_matched_template(scope)
            or self._templates.template(method, scope["path"])
            or "(no route)",
            status=status,
            outcome=outcome_of(status),
            trace_id=str(state.get("trace_id", "")),
            client_id=principal.client_id if principal else None,
            principal_kind=principal.kind if principal else None,
            user=principal.user if principal else None,
            environment=self._environment,
            records=tuple(str(r) for r in touched) if touched else (),
        )


def _matched_template(scope: Scope) -> str | None:
    """The template of the route the router chose, when its own pattern matched this path.

    The router leaves the route it ran on the scope; its ``path`` is the template only
    when the route was not included under a further prefix, which its pattern confirms.
    """
    route = scope.get("route")
    regex = getattr(route, "path_regex", None)
    if regex is not None and regex.match(scope["path"]):
        return str(getattr(route, "path", "")) or None
    return None
