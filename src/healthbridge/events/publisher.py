"""Publishing canonical events to JetStream: validated, sealed, deduplicated, acknowledged.

Every event is checked against its model (a JSON round trip through the contract), its
phi fields are sealed, and it is published with ``Nats-Msg-Id`` equal to its CloudEvent
id, which derives from the source change; JetStream drops a second copy within the
stream's duplicate window. ``publish_all`` keeps up to ``max_in_flight`` publishes
awaiting their ack at once (async publish), then waits for every ack: an event that is
not acknowledged raises ``PublishError``; none is dropped silently.

Trace context: each event of ``publish_all`` gets a PRODUCER span (when tracing is set
up) and its ``traceparent`` names that span, so the consumer's span is its child. The
span's parent is the item's explicit ``traceparent`` when given, else the current span
(the gateway request, the workflow step), else none: the event starts a trace. Without
tracing, the event carries the explicit ``traceparent``, else the current span's, else
a fresh one.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import nats.errors
import nats.js.errors
from nats.js import JetStreamContext, api
from opentelemetry.trace import Span, SpanKind

from healthbridge.canonical.events import CanonicalEvent
from healthbridge.core.ids import new_id
from healthbridge.events.envelope import Envelope, check_traceparent, event_id, new_traceparent
from healthbridge.events.errors import PublishError
from healthbridge.events.sealing import PhiSealer
from healthbridge.events.topology import Topology
from healthbridge.governance.contracts import contract_id
from healthbridge.observability.tracing import (
    current_traceparent,
    mark_failed,
    parent_of,
    traceparent_of,
    tracer,
    tracing_enabled,
)

DEFAULT_SOURCE = "urn:healthbridge:hub"


class OutgoingLike(Protocol):
    """What ``publish_all`` takes: an event, the key of its source change, a trace."""

    @property
    def event(self) -> CanonicalEvent: ...
    @property
    def source_key(self) -> str | None: ...
    @property
    def traceparent(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Outgoing:
    """An event to publish; ``source_key`` (``model:id:write_date``) makes its id stable."""

    event: CanonicalEvent
    source_key: str | None = None
    traceparent: str | None = None


@dataclass(frozen=True, slots=True)
class Published:
    """Where JetStream stored an event; ``duplicate`` when it had it already."""

    event_id: str
    stream: str
    seq: int
    duplicate: bool


class EventPublisher:
    """Publishes canonical events on one JetStream context."""

    def __init__(
        self,
        js: JetStreamContext,
        topology: Topology,
        sealer: PhiSealer,
        *,
        source: str = DEFAULT_SOURCE,
        ack_timeout: float = 10.0,
        max_in_flight: int = 4000,
    ) -> None:
        self._js = js
        self._topology = topology
        self._sealer = sealer
        self._source = source
        self._ack_timeout = ack_timeout
        self._max_in_flight = max_in_flight
        """The JetStream context's ``publish_async_max_pending``."""

    def envelope(
        self,
        event: CanonicalEvent,
        *,
        source_key: str | None = None,
        traceparent: str | None = None,
    ) -> Envelope:
        """The envelope ``event`` is stored in: validated data, phi sealed, stable id.

        Its ``traceparent`` is the given one, else the current span's, else a fresh one.
        """
        model = type(event)
        data = event.model_dump(mode="json", exclude_none=True)
        model.model_validate(data)  # the JSON a subscriber gets must satisfy the contract
        identifier = event_id(model.event_type, source_key) if source_key else new_id()
        sealed, key_id = self._sealer.seal(model, identifier, data)
        return Envelope(
            id=identifier,
            source=self._source,
            type=model.event_type,
            subject=event.subject(),
            time=event.occurred_at,
            data=sealed,
            traceparent=check_traceparent(traceparent)
            if traceparent
            else current_traceparent() or new_traceparent(),
            dataschema=_dataschema(model),
            phikeyid=key_id,
        )

    async def publish(
        self,
        event: CanonicalEvent,
        *,
        source_key: str | None = None,
        traceparent: str | None = None,
    ) -> Published:
        """Publish one event and wait for its ack."""
        [published] = await self.publish_all([Outgoing(event, source_key, traceparent)])
        return published

    async def publish_all(self, items: Sequence[OutgoingLike]) -> list[Published]:
        """Publish every item with bounded in-flight acks; ``PublishError`` if any is not acked.

        All items are attempted; the error says how many were not stored. Re-publishing
        the whole batch is safe: the stored ones come back as duplicates.
        """
        if not tracing_enabled():
            envelopes = [
                self.envelope(item.event, source_key=item.source_key, traceparent=item.traceparent)
                for item in items
            ]
            return await self.publish_envelopes(
                [(self._topology.subject(envelope.type), envelope, None) for envelope in envelopes]
            )
        spans: list[Span] = []
        try:
            prepared = []
            for item in items:
                if item.traceparent:
                    check_traceparent(item.traceparent)
                subject = self._topology.subject(type(item.event).event_type)
                producer = _producer_span(subject, item.traceparent)
                spans.append(producer)
                envelope = self.envelope(
                    item.event,
                    source_key=item.source_key,
                    traceparent=traceparent_of(producer) or item.traceparent,
                )
                producer.set_attribute("messaging.message.id", envelope.id)
                prepared.append((subject, envelope, None))
            published = await self.publish_envelopes(prepared)
            for producer, result in zip(spans, published, strict=True):
                producer.set_attribute("healthbridge.event.duplicate", result.duplicate)
        except BaseException as exc:
            for producer in spans:
                mark_failed(producer, getattr(exc, "code", type(exc).__name__))
            raise
        finally:
            for producer in spans:
                producer.end()
        return published

    async def publish_envelopes(
        self, items: Sequence[tuple[str, Envelope, str | None]]
    ) -> list[Published]:
        """Publish prepared envelopes as ``(subject, envelope, msg id or None)``."""
        return await self.publish_raw(
            [
                (subject, envelope.headers(msg_id), envelope.body())
                for subject, envelope, msg_id in items
            ],
            [envelope.id for _, envelope, _ in items],
        )

    async def publish_raw(
        self, messages: Sequence[tuple[str, Mapping[str, str], bytes]], ids: Sequence[str]
    ) -> list[Published]:
        """Publish ``(subject, headers, body)`` messages as they are (re-drives use this)."""
        futures: list[asyncio.Future[api.PubAck]] = []
        try:
            for subject, headers, body in messages:
                # nats-py waits for a free in-flight slot through asyncio.wait_for, which
                # costs a turn of the event loop per message when given a deadline; the
                # deadline is only needed when every slot may be taken.
                stall = (
                    None
                    if self._js.publish_async_pending() < self._max_in_flight - 1
                    else self._ack_timeout
                )
                futures.append(
                    await self._js.publish_async(
                        subject, body, headers=dict(headers), wait_stall=stall
                    )
                )
        except (nats.errors.Error, nats.js.errors.Error) as exc:
            for future in futures:
                future.cancel()
            raise _publish_error(len(messages), exc) from None
        if futures:
            done, pending = await asyncio.wait(futures, timeout=self._ack_timeout)
            for future in pending:
                future.cancel()
            failed = len(pending) + sum(1 for f in done if f.exception() is not None)
            if failed:
                first = next((f.exception() for f in done if f.exception() is not None), None)
                raise PublishError(
                    f"{failed} of {len(messages)} events were not acknowledged by JetStream"
                    f"{'' if first is None else f' ({type(first).__name__})'}: publish them "
                    "again (duplicates are dropped by Nats-Msg-Id)",
                    details={"failed": failed, "total": len(messages)},
                )
        return [
            Published(event_id, ack.stream, ack.seq, bool(ack.duplicate))
            for event_id, ack in zip(ids, (f.result() for f in futures), strict=True)
        ]


def _producer_span(subject: str, traceparent: str | None) -> Span:
    """A PRODUCER span for one event, under ``traceparent`` or the current span."""
    return tracer().start_span(
        f"publish {subject}",
        context=parent_of(traceparent),
        kind=SpanKind.PRODUCER,
        attributes={
            "messaging.system": "nats",
            "messaging.operation.type": "publish",
            "messaging.destination.name": subject,
        },
    )


@functools.cache
def _dataschema(model: type[CanonicalEvent]) -> str:
    return contract_id(model.__name__, model.contract_version)


def _publish_error(total: int, exc: BaseException) -> PublishError:
    return PublishError(
        f"events could not be sent to JetStream ({type(exc).__name__}): publish them again",
        details={"total": total},
    )
