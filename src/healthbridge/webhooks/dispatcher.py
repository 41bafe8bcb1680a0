"""The delivery worker: claims due deliveries, POSTs them, records every attempt.

Bounded twice: at most ``max_in_flight`` deliveries held by this worker, and at most
``max_in_flight_per_endpoint`` POSTs to one endpoint at a time. Outcomes are written in
batches (one transaction per flush) because one commit per POST would cap the rate at
what the store commits per second; a worker killed before a flush loses nothing, its
leases expire and the deliveries go out again with the same ``webhook-id``.

Each endpoint has a circuit breaker: while it is open, deliveries to that endpoint are
not attempted (nor counted as attempts) and wait for the breaker's probe.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

import structlog
from prometheus_client import Counter as MetricCounter
from prometheus_client import Histogram
from sqlalchemy.exc import SQLAlchemyError

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.sections.webhooks import WebhooksSettings
from healthbridge.resilience.breaker import BreakerState, CircuitBreaker, CircuitOpenError
from healthbridge.store.webhook_deliveries import DeliveryRecord, Outcome, WebhookDeliveries
from healthbridge.store.webhook_endpoints import EndpointRecord, WebhookEndpoints
from healthbridge.webhooks.notifier import OwnerNotifier
from healthbridge.webhooks.retries import RetryPolicy, parse_retry_after
from healthbridge.webhooks.sender import Sender, SendResult

_FINAL_FLUSH_ATTEMPTS = 5

_log = structlog.get_logger(__name__)

DELIVERIES = MetricCounter(
    "healthbridge_webhook_attempts",
    "Webhook delivery attempts by result (delivered, retry, failed).",
    ["result"],
)
LATENCY = Histogram(
    "healthbridge_webhook_attempt_seconds",
    "Time from sending a webhook to its answer.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)

_QUEUE_FACTOR = 2
"""Deliveries of one endpoint held per POST slot before claims skip that endpoint."""


class _Refused(Exception):  # noqa: N818 - an outcome carried through the breaker, not an error
    def __init__(self, result: SendResult) -> None:
        super().__init__("delivery refused")
        self.result = result


def _hurts_breaker(exc: BaseException) -> bool:
    """Timeouts, connection errors, 5xx, 408 and 429 say the receiver is unwell; a 4xx does not."""
    if not isinstance(exc, _Refused):
        return isinstance(exc, Exception)
    status = exc.result.status_code
    return status is None or status >= 500 or status in (408, 429)


def default_worker_id() -> str:
    """host:pid, so an operator can tell which process made an attempt."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


class Dispatcher:
    """Runs the claim loop and the outcome writer as asyncio tasks; start, then stop."""

    def __init__(
        self,
        deliveries: WebhookDeliveries,
        endpoints: WebhookEndpoints,
        sender: Sender,
        notifier: OwnerNotifier,
        settings: WebhooksSettings,
        *,
        clock: Clock | None = None,
        policy: RetryPolicy | None = None,
        worker_id: str | None = None,
    ) -> None:
        self._deliveries = deliveries
        self._endpoints = endpoints
        self._sender = sender
        self._notifier = notifier
        self._settings = settings
        self._clock: Clock = clock or SystemClock()
        self._policy = policy or RetryPolicy(
            settings.retry_schedule_seconds, max_retry_after=settings.max_retry_after_seconds
        )
        self.worker_id = worker_id or default_worker_id()
        self._lease = timedelta(seconds=settings.lease_seconds)
        self._held: Counter[str] = Counter()
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._breakers: dict[str, CircuitBreaker] = {}
        self._outcomes: list[tuple[Outcome, str]] = []
        self._releases: list[tuple[int, datetime]] = []
        self._wake = asyncio.Event()
        self._stopping = False
        self._flush_due = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._loops: list[asyncio.Task[None]] = []
        # Claims and outcome writes take turns: on SQLite two writers of one process
        # would otherwise meet in SQLite's busy handler, which sleeps up to 100 ms a try.
        self._store_turn = asyncio.Lock()
        self._endpoint_cache: dict[str, tuple[float, EndpointRecord | None]] = {}

    def wake(self) -> None:
        """Claim now rather than at the next poll (called after accept and retries)."""
        self._wake.set()

    def endpoints_changed(self) -> None:
        """Forget cached endpoints (a rotated secret signs the very next attempt); wake."""
        self._endpoint_cache.clear()
        self._wake.set()

    async def start(self) -> None:
        """Start claiming and writing outcomes."""
        if self._loops:
            return
        self._loops = [
            asyncio.create_task(self._claim_loop(), name="webhooks-claim"),
            asyncio.create_task(self._flush_loop(), name="webhooks-flush"),
        ]
        _log.info("webhook_dispatcher_started", worker=self.worker_id)

    async def stop(self, grace_seconds: float | None = None) -> None:
        """Stop claiming, let POSTs in flight finish (bounded), write their outcomes."""
        if not self._loops:
            return
        claim, flush = self._loops
        self._stopping = True
        self._wake.set()
        claim.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await claim
        if self._tasks:
            grace = (
                self._settings.request_timeout_seconds if grace_seconds is None else grace_seconds
            )
            _, pending = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        flush.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await flush
        for attempt in range(_FINAL_FLUSH_ATTEMPTS):
            try:
                await self._flush()
                break
            except (SQLAlchemyError, OSError) as exc:
                # Unwritten outcomes stay leased: another worker re-sends them after the
                # lease, with the same webhook-id. Retrying first keeps that rare.
                _log.warning(
                    "webhook_outcomes_not_written", error=type(exc).__name__, attempt=attempt
                )
                await asyncio.sleep(0.2 * (attempt + 1))
        self._loops = []
        self._stopping = False
        _log.info("webhook_dispatcher_stopped", worker=self.worker_id)

    @property
    def in_flight(self) -> int:
        """Deliveries this worker holds now."""
        return sum(self._held.values())

    def breaker(self, endpoint_id: str) -> CircuitBreaker:
        """The circuit breaker of one endpoint (made on first use)."""
        found = self._breakers.get(endpoint_id)
        if found is None:
            found = CircuitBreaker(
                f"webhook:{endpoint_id}",
                failure_threshold=self._settings.breaker_failure_threshold,
                reset_seconds=self._settings.breaker_reset_seconds,
                counts_as_failure=_hurts_breaker,
                clock=self._clock,
            )
            self._breakers[endpoint_id] = found
        return found

    async def _claim_loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            claimed, asked = 0, 0
            try:
                claimed, asked = await self._claim_once()
            except (SQLAlchemyError, OSError) as exc:
                _log.warning("webhook_claim_failed", error=type(exc).__name__)
            except Exception:
                # A bug must not silently end the only loop that delivers; it is logged
                # with its traceback and the next poll tries again.
                _log.exception("webhook_claim_crashed")
            if asked and claimed == asked:
                continue
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for returns normally when a
            # cancellation meets a wake-up that has just happened, and the loop then never
            # ends (stop() waited forever). The stop flag ends it even so.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._settings.poll_interval_seconds):
                    await self._wake.wait()

    async def _claim_once(self) -> tuple[int, int]:
        free = self._settings.max_in_flight - self.in_flight
        if free <= 0:
            return 0, 0
        asked = min(free, self._settings.claim_batch_size)
        now = self._clock.now()
        async with self._store_turn:
            batch = await self._deliveries.claim(
                self.worker_id, now, now + self._lease, asked, skip_endpoints=self._skipped()
            )
        if not batch:
            return 0, asked
        endpoints = await self._endpoints_of(batch)
        for delivery in batch:
            endpoint = endpoints.get(delivery.endpoint_id)
            if endpoint is None:
                continue
            self._held[endpoint.id] += 1
            task = asyncio.create_task(self._deliver(endpoint, delivery))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(batch), asked

    async def _endpoints_of(self, batch: Sequence[DeliveryRecord]) -> dict[str, EndpointRecord]:
        """The batch's endpoints, read at most once a second.

        Pause, disable and kill switches are enforced by the claim itself; the cache only
        carries URL and secrets. A change made in this process clears it at once
        (``endpoints_changed``); one made by another process shows within a second.
        """
        moment = self._clock.monotonic()
        wanted = {d.endpoint_id for d in batch}
        stale = [e for e in wanted if moment - self._endpoint_cache.get(e, (-1e9, None))[0] > 1.0]
        if stale:
            for endpoint_id, endpoint in (await self._endpoints.get_many(stale)).items():
                self._endpoint_cache[endpoint_id] = (moment, endpoint)
        found: dict[str, EndpointRecord] = {}
        for endpoint_id in wanted:
            cached = self._endpoint_cache.get(endpoint_id)
            if cached is not None and cached[1] is not None:
                found[endpoint_id] = cached[1]
        return found

    def _skipped(self) -> list[str]:
        limit = self._settings.max_in_flight_per_endpoint * _QUEUE_FACTOR
        busy = [endpoint for endpoint, held in self._held.items() if held >= limit]
        broken = [e for e, b in self._breakers.items() if b.state is BreakerState.OPEN]
        return busy + broken

    async def _deliver(self, endpoint: EndpointRecord, delivery: DeliveryRecord) -> None:
        try:
            slot = self._slots.setdefault(
                endpoint.id, asyncio.Semaphore(self._settings.max_in_flight_per_endpoint)
            )
            async with slot:
                if not await self._lease_still_ours(delivery):
                    return
                now = self._clock.now()
                try:
                    result = await self.breaker(endpoint.id).call(
                        self._attempt(endpoint, delivery, now)
                    )
                except CircuitOpenError as exc:
                    wait = max(exc.retry_after, 0.05)
                    self._releases.append((delivery.id, now + timedelta(seconds=wait)))
                    self._flush_due.set()
                    return
                except _Refused as refused:
                    result = refused.result
                self._record(endpoint, delivery, result, now)
        finally:
            self._held[endpoint.id] -= 1
            if self._held[endpoint.id] <= 0:
                del self._held[endpoint.id]
            if self.in_flight <= self._settings.max_in_flight // 2:
                # Claim the next batch while this one finishes, not after it is written.
                self._wake.set()

    def _attempt(
        self, endpoint: EndpointRecord, delivery: DeliveryRecord, now: datetime
    ) -> Callable[[], Awaitable[SendResult]]:
        async def send() -> SendResult:
            result = await self._sender.send(endpoint, delivery, now)
            if not result.ok:
                raise _Refused(result)
            return result

        return send

    async def _lease_still_ours(self, delivery: DeliveryRecord) -> bool:
        """Renew a lease that a long wait for a slot has nearly used up."""
        now = self._clock.now()
        margin = timedelta(seconds=self._settings.request_timeout_seconds * 1.1)
        if delivery.lease_until is None or delivery.lease_until - now > margin:
            return True
        return await self._deliveries.renew(delivery.id, self.worker_id, now + self._lease)

    def _record(
        self, endpoint: EndpointRecord, delivery: DeliveryRecord, result: SendResult, now: datetime
    ) -> None:
        attempts = delivery.attempts + 1
        LATENCY.observe(result.latency_ms / 1000)
        state, schedule_index, next_at = "delivered", delivery.schedule_index, now
        if not result.ok:
            retry_after = None
            if result.status_code in (429, 503):
                retry_after = parse_retry_after(result.retry_after, now)
            delay = self._policy.delay(delivery.schedule_index, retry_after)
            if delay is None:
                state = "failed"
            else:
                state, schedule_index = "pending", delivery.schedule_index + 1
                next_at = now + timedelta(seconds=delay)
            _log.log(
                30 if state == "failed" else 20,
                "webhook_delivery_dead" if state == "failed" else "webhook_delivery_failed",
                delivery_id=delivery.id,
                endpoint_id=endpoint.id,
                attempt=attempts,
                status=result.status_code,
                error_kind=result.error_kind,
            )
        DELIVERIES.labels("retry" if state == "pending" else state).inc()
        outcome = Outcome(
            delivery_id=delivery.id,
            lease_owner=self.worker_id,
            state=state,
            attempts=attempts,
            schedule_index=schedule_index,
            next_attempt_at=next_at,
            delivered_at=now if result.ok else None,
            status_code=result.status_code,
            error_kind=result.error_kind,
            started_at=now,
            latency_ms=result.latency_ms,
            response_excerpt=result.response_excerpt,
        )
        self._outcomes.append((outcome, endpoint.id))
        self._flush_due.set()

    async def _flush_loop(self) -> None:
        while True:
            await self._flush_due.wait()
            # Let outcomes gather for a moment: one transaction then writes many.
            await asyncio.sleep(self._settings.flush_interval_seconds)
            self._flush_due.clear()
            try:
                await self._flush()
            except (SQLAlchemyError, OSError) as exc:
                _log.warning("webhook_outcomes_not_written", error=type(exc).__name__)

    async def _flush(self) -> None:
        outcomes, self._outcomes = self._outcomes, []
        releases, self._releases = self._releases, []
        for delivery_id, when in releases:
            async with self._store_turn:
                await self._deliveries.release([delivery_id], self.worker_id, when)
        if not outcomes:
            if releases:
                self._wake.set()
            return
        healthy = {e for o, e in outcomes if o.state == "delivered"}
        failing = {e for o, e in outcomes if o.state != "delivered"} - healthy
        try:
            async with self._store_turn:
                await self._deliveries.finish(
                    [o for o, _ in outcomes],
                    self.worker_id,
                    healthy=sorted(healthy),
                    failing=sorted(failing),
                    now=self._clock.now(),
                )
        except BaseException:
            # Kept for the next flush rather than dropped: the store was busy, not wrong.
            self._outcomes = outcomes + self._outcomes
            raise
        if failing:
            await self._disable_long_failing()
        self._wake.set()

    async def _disable_long_failing(self) -> None:
        now = self._clock.now()
        cutoff = now - timedelta(seconds=self._settings.disable_after_failing_seconds)
        disabled = await self._endpoints.disable_failing(cutoff, now)
        for endpoint_id in disabled:
            endpoint = await self._endpoints.get(endpoint_id)
            if endpoint is not None:
                await self._notifier.endpoint_disabled(endpoint, "failing")
