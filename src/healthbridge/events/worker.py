"""The pull loop of one subscription: fetch, validate, project, handle, settle.

Per domain stream the subscription's durable consumer is fetched in batches. Each
message is read as a CloudEvent, checked to be for this subscription, projected to its
data classes (phi opened or removed), validated against its event model, then handed
to the handler. The outcome is applied explicitly:

- ``Ack`` acks; ``Term`` terms; ``DeadLetter`` stores the event and terms it.
- ``Nak`` and any exception the handler raises are a failed delivery: the attempt is
  recorded and the event is naked with a doubling delay, until its ``max_deliveries``-th
  delivery fails too; then it is dead-lettered (payload as stored, every error,
  attempts, subscription, stream sequence) and termed.

An exception's text is never stored or logged (it may carry PHI): a Healthbridge error
contributes its code and safe message, any other its type name.

Tracing (when set up): each event gets a CONSUMER span, child of the span its
``traceparent`` names (the publisher's), from before its handler runs until it is
settled. The event's ``cloudevent["traceparent"]`` is rewritten to name the consumer
span, so what a handler hands the trace on to (a webhook delivery, a workflow input)
continues from it. A one-at-a-time handler runs with the span current; a batch handler
handles many events at once, so no span is current then, and each event's trace goes
on through its rewritten ``traceparent``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

import nats.errors
import nats.js.errors
import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind
from pydantic import ValidationError

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.errors import HealthbridgeError
from healthbridge.core.sections.events import EventsSettings
from healthbridge.events.delivery import BatchHandler, Handler, ReceivedEvent
from healthbridge.events.envelope import Envelope, MalformedEventError
from healthbridge.events.outcomes import Ack, DeadLetter, Nak, Outcome, Term
from healthbridge.events.sealing import PhiSealer
from healthbridge.events.subscription import Subscription
from healthbridge.events.topology import REDRIVE_SEGMENT, Topology, event_model_or_error
from healthbridge.observability.tracing import (
    mark_failed,
    parent_of,
    traceparent_of,
    tracer,
    tracing_enabled,
)
from healthbridge.security.field_encryption import FieldEncryptionError
from healthbridge.store.dead_letters import AttemptError, DeadLetters

log = structlog.get_logger(__name__)

FOLLOW_UP = 0.005
"""Seconds a batch waits for more once its first message is in."""

ERROR_PAUSE_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class _Failure:
    code: str
    message: str
    delay: float | None = None


def failure_of(exc: BaseException) -> tuple[str, str]:
    """A stable code and a PHI-free message for an exception a handler raised."""
    if isinstance(exc, HealthbridgeError):
        return exc.code, exc.safe_message
    return "handler.exception", f"the handler raised {type(exc).__name__}"


def _close(span: Span, outcome: Outcome | _Failure) -> None:
    """Record what became of the event on its span, and end it."""
    if isinstance(outcome, Ack):
        span.set_attribute("healthbridge.event.outcome", "ack")
    elif isinstance(outcome, Term):
        span.set_attribute("healthbridge.event.outcome", "term")
    elif isinstance(outcome, DeadLetter):
        span.set_attribute("healthbridge.event.outcome", "dead_letter")
        mark_failed(span, outcome.code)
    elif isinstance(outcome, Nak):
        span.set_attribute("healthbridge.event.outcome", "nak")
        mark_failed(span, outcome.code)
    else:
        span.set_attribute("healthbridge.event.outcome", "failed")
        mark_failed(span, outcome.code)
    span.end()


class SubscriptionWorker:
    """Runs one subscription's handler over its consumers until stopped."""

    def __init__(
        self,
        js: JetStreamContext,
        topology: Topology,
        subscription: Subscription,
        *,
        handler: Handler | None = None,
        batch_handler: BatchHandler | None = None,
        sealer: PhiSealer,
        dead_letters: DeadLetters,
        settings: EventsSettings,
        clock: Clock | None = None,
    ) -> None:
        if (handler is None) == (batch_handler is None):
            raise ValueError("give exactly one of handler and batch_handler")
        self._js = js
        self._topology = topology
        self.subscription = subscription
        self._handler = handler
        self._batch_handler = batch_handler
        self._sealer = sealer
        self._dead_letters = dead_letters
        self._settings = settings
        self._clock = clock or SystemClock()
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.handled = 0
        self.dead_lettered = 0

    async def start(self) -> None:
        """Start one pull loop per domain stream of the subscription."""
        for domain in self.subscription.domains():
            stream = self._topology.stream(domain)
            pull = await self._js.pull_subscribe_bind(durable=self.subscription.name, stream=stream)
            self._tasks.append(
                asyncio.create_task(
                    self._loop(pull, stream), name=f"hb-sub-{self.subscription.name}-{domain}"
                )
            )

    async def stop(self) -> None:
        """Finish the batch in hand, then stop every loop."""
        self._stopping.set()
        tasks, self._tasks = self._tasks, []
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=self._settings.fetch_timeout_seconds + 5)
        for task in pending:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def __aenter__(self) -> SubscriptionWorker:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    async def _loop(self, pull: JetStreamContext.PullSubscription, stream: str) -> None:
        try:
            while not self._stopping.is_set():
                try:
                    messages = await self._fetch(pull)
                except (nats.errors.TimeoutError, TimeoutError):
                    continue  # nothing to fetch (nats-py raises either)
                except (nats.errors.Error, nats.js.errors.Error) as exc:
                    # The consumer is being re-created (replay) or the server is away.
                    log.warning(
                        "event_fetch_failed",
                        subscription=self.subscription.name,
                        stream=stream,
                        error=type(exc).__name__,
                    )
                    await asyncio.sleep(ERROR_PAUSE_SECONDS)
                    continue
                try:
                    await self.process(messages, stream)
                except Exception as exc:
                    log.error(  # noqa: TRY400 - a traceback could carry event data (PHI)
                        "event_batch_failed",
                        subscription=self.subscription.name,
                        stream=stream,
                        error=type(exc).__name__,
                    )
                    await asyncio.sleep(ERROR_PAUSE_SECONDS)
        finally:
            with contextlib.suppress(Exception):
                await pull.unsubscribe()

    async def _fetch(self, pull: JetStreamContext.PullSubscription) -> list[Msg]:
        """The next batch: wait for one message, then take what is already there.

        A single lingering pull for the whole batch would hold the first message until
        the batch filled or the pull expired — up to a second of latency for every event
        that arrives alone. Waiting for one and then asking without waiting keeps a
        trickle fast and still fills batches under load.
        """
        messages: list[Msg] = await pull.fetch(1, timeout=self._settings.fetch_timeout_seconds)
        if self._settings.fetch_batch > 1:
            with contextlib.suppress(nats.errors.TimeoutError, TimeoutError):
                messages += await pull.fetch(self._settings.fetch_batch - 1, timeout=FOLLOW_UP)
        return messages

    async def process(self, messages: Sequence[Msg], stream: str) -> None:
        """Handle one fetched batch and settle every message in it."""
        ready: list[tuple[Msg, ReceivedEvent]] = []
        for message in messages:
            received = await self._prepare(message, stream)
            if received is not None:
                ready.append((message, received))
        if not ready:
            return
        if tracing_enabled():
            await self._process_traced(ready)
            return
        if self._batch_handler is not None:
            outcomes = await self._run_batch([received for _, received in ready])
            for (message, received), outcome in zip(ready, outcomes, strict=True):
                await self._settle(message, received, outcome)
            return
        for message, received in ready:
            await self._settle(message, received, await self._run_one(received))

    async def _process_traced(self, ready: Sequence[tuple[Msg, ReceivedEvent]]) -> None:
        """``process`` with one CONSUMER span per event, ended once the event is settled."""
        spans = [self._consumer_span(received) for _, received in ready]
        try:
            if self._batch_handler is not None:
                outcomes = await self._run_batch([received for _, received in ready])
                for (message, received), outcome, span in zip(ready, outcomes, spans, strict=True):
                    await self._settle(message, received, outcome)
                    _close(span, outcome)
                return
            for (message, received), span in zip(ready, spans, strict=True):
                with trace.use_span(span, record_exception=False, set_status_on_exception=False):
                    outcome = await self._run_one(received)
                    await self._settle(message, received, outcome)
                    _close(span, outcome)
        except BaseException as exc:
            for span in spans:
                if span.is_recording():
                    mark_failed(span, type(exc).__name__)
            raise
        finally:
            for span in spans:
                if span.is_recording():
                    span.end()

    def _consumer_span(self, received: ReceivedEvent) -> Span:
        """Start ``received``'s CONSUMER span and make its ``traceparent`` name the span."""
        span = tracer().start_span(
            f"process {received.type}",
            context=parent_of(received.cloudevent.get("traceparent")),
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "nats",
                "messaging.operation.type": "process",
                "messaging.destination.name": received.stream,
                "messaging.consumer.group.name": received.subscription,
                "messaging.message.id": received.id,
                "healthbridge.event.delivery": received.delivery,
                "healthbridge.event.stream_seq": received.stream_seq,
            },
        )
        traceparent = traceparent_of(span)
        if traceparent is not None:
            received.cloudevent["traceparent"] = traceparent
        return span

    async def _run_one(self, received: ReceivedEvent) -> Outcome | _Failure:
        assert self._handler is not None
        try:
            return await self._handler(received)
        except Exception as exc:
            return _Failure(*failure_of(exc))

    async def _run_batch(self, batch: list[ReceivedEvent]) -> list[Outcome | _Failure]:
        assert self._batch_handler is not None
        try:
            outcomes = list(await self._batch_handler(batch))
        except Exception as exc:
            failure = _Failure(*failure_of(exc))
            return [failure] * len(batch)
        if len(outcomes) != len(batch):
            failure = _Failure(
                "handler.bad_outcomes",
                f"the batch handler returned {len(outcomes)} outcomes for {len(batch)} events",
            )
            return [failure] * len(batch)
        return list(outcomes)

    async def _prepare(self, message: Msg, stream: str) -> ReceivedEvent | None:
        metadata = message.metadata
        seq, delivery = metadata.sequence.stream, metadata.num_delivered
        try:
            envelope = Envelope.from_message(message.headers, message.data)
            model = event_model_or_error(envelope.type)
        except (MalformedEventError, HealthbridgeError) as exc:
            await self._dead_letter(message, stream, None, _Failure(*failure_of(exc)), delivery)
            return None
        if not self.subscription.wants(envelope.type, message.subject, self._topology):
            await message.ack()  # a single-filter server delivered the whole domain
            return None
        redriven = f".{REDRIVE_SEGMENT}." in message.subject
        if delivery > self.subscription.max_deliveries:
            # A worker died during the last allowed delivery: do not try again.
            failure = _Failure("events.deliveries_exhausted", "no delivery attempt is left")
            await self._dead_letter(message, stream, envelope, failure, delivery)
            return None
        try:
            data = self._sealer.project(
                model, envelope.id, envelope.data, self.subscription.ceiling
            )
            event = model.model_validate(data)
        except (FieldEncryptionError, ValidationError) as exc:
            code = exc.code if isinstance(exc, FieldEncryptionError) else "events.invalid_data"
            failure = _Failure(code, "the event cannot be opened or does not fit its contract")
            await self._fail(message, stream, seq, delivery, failure)
            return None
        return ReceivedEvent(
            event=event,
            cloudevent=envelope.structured(data),
            subscription=self.subscription.name,
            stream=stream,
            stream_seq=seq,
            delivery=delivery,
            redriven=redriven,
        )

    async def _settle(
        self, message: Msg, received: ReceivedEvent, outcome: Outcome | _Failure
    ) -> None:
        if isinstance(outcome, Ack):
            await message.ack()
            self.handled += 1
            if received.delivery > 1:
                await self._dead_letters.clear_failures(
                    received.subscription, received.stream, received.stream_seq
                )
            return
        if isinstance(outcome, Term):
            await message.term()
            return
        if isinstance(outcome, DeadLetter):
            failure = _Failure(outcome.code, outcome.message)
            envelope = Envelope.from_message(message.headers, message.data)
            await self._dead_letter(message, received.stream, envelope, failure, received.delivery)
            return
        failure = (
            _Failure(outcome.code, "the handler asked for a later delivery", outcome.delay)
            if isinstance(outcome, Nak)
            else outcome
        )
        await self._fail(message, received.stream, received.stream_seq, received.delivery, failure)

    async def _fail(
        self, message: Msg, stream: str, seq: int, delivery: int, failure: _Failure
    ) -> None:
        log.warning(
            "event_delivery_failed",
            subscription=self.subscription.name,
            stream=stream,
            seq=seq,
            delivery=delivery,
            code=failure.code,
        )
        if delivery >= self.subscription.max_deliveries:
            envelope = Envelope.from_message(message.headers, message.data)
            await self._dead_letter(message, stream, envelope, failure, delivery)
            return
        await self._dead_letters.record_failure(
            subscription=self.subscription.name,
            stream=stream,
            stream_seq=seq,
            attempt=delivery,
            code=failure.code,
            message=failure.message,
            failed_at=self._clock.now(),
        )
        delay = failure.delay if failure.delay is not None else self.backoff(delivery)
        await message.nak(delay=delay)

    def backoff(self, delivery: int) -> float:
        """The delay before delivery ``delivery + 1``: doubling from the initial, capped."""
        initial = self._settings.nak_initial_backoff_seconds
        return float(min(initial * 2 ** (delivery - 1), self._settings.nak_max_backoff_seconds))

    async def _dead_letter(
        self,
        message: Msg,
        stream: str,
        envelope: Envelope | None,
        failure: _Failure,
        delivery: int,
    ) -> None:
        metadata = message.metadata
        headers = dict(message.headers or {})
        added = await self._dead_letters.add(
            subscription=self.subscription.name,
            stream=stream,
            stream_seq=metadata.sequence.stream,
            event_id=envelope.id if envelope else headers.get("ce-id", "")[:64],
            event_type=envelope.type if envelope else headers.get("ce-type", "")[:128],
            subject=envelope.subject if envelope else headers.get("ce-subject", ""),
            headers=headers,
            payload=message.data,
            last_error=AttemptError(delivery, failure.code, failure.message, self._clock.now()),
            attempts=delivery,
            dead_lettered_at=self._clock.now(),
        )
        await message.term()
        self.dead_lettered += 1
        log.warning(
            "event_dead_lettered",
            subscription=self.subscription.name,
            stream=stream,
            seq=metadata.sequence.stream,
            attempts=delivery,
            code=failure.code,
            dead_letter_id=added,
        )
