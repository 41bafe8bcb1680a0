"""Events carry the trace on: a PRODUCER span per publish, a CONSUMER span per handling."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from healthbridge.core.errors import HealthbridgeError
from healthbridge.events import ACK, EventBus, Outcome, Outgoing, ReceivedEvent
from healthbridge.observability import (
    configure_tracing,
    current_traceparent,
    shutdown_tracing,
    span,
)
from tests.integration.events.helpers import STOCK, Collector, stock_event

READ_ALL = ["events:read"]
CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    configure_tracing("events-test", exporter=exporter, install_global=False)
    try:
        yield exporter
    finally:
        shutdown_tracing()


def _named(spans: Sequence[ReadableSpan], kind: SpanKind) -> list[ReadableSpan]:
    return [s for s in spans if s.kind is kind]


def _traceparent(item: ReadableSpan) -> str:
    context = item.context
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"


async def _settled(exporter: InMemorySpanExporter, consumers: int) -> list[ReadableSpan]:
    """The finished spans once ``consumers`` CONSUMER spans ended (after their ack)."""
    async with asyncio.timeout(10):
        while len(_named(exporter.get_finished_spans(), SpanKind.CONSUMER)) < consumers:  # noqa: ASYNC110 - the exporter is a list
            await asyncio.sleep(0.02)
    return list(exporter.get_finished_spans())


class HandlerError(HealthbridgeError):
    code = "test.handler_down"


async def test_a_publish_in_a_request_is_consumed_in_the_same_trace(
    event_bus: EventBus, spans: InMemorySpanExporter
) -> None:
    seen: list[str | None] = []

    async def handler(received: ReceivedEvent) -> Outcome:
        seen.append(current_traceparent())
        return ACK

    await event_bus.subscribe("traced", [STOCK], READ_ALL, handler)
    with span("POST /api/v1/stock", kind=SpanKind.SERVER) as request:
        published = await event_bus.publish(stock_event(), source_key="stock.quant:7:1")

    finished = await _settled(spans, 1)
    [producer] = _named(finished, SpanKind.PRODUCER)
    [consumer] = _named(finished, SpanKind.CONSUMER)
    assert producer.parent is not None
    assert producer.parent.span_id == request.get_span_context().span_id
    assert consumer.parent is not None
    assert consumer.parent.span_id == producer.context.span_id
    assert consumer.context.trace_id == request.get_span_context().trace_id
    assert seen == [_traceparent(consumer)]  # the handler runs inside the consumer span
    assert producer.name == f"publish {event_bus.topology.subject(STOCK)}"
    assert consumer.name == f"process {STOCK}"
    assert producer.attributes is not None
    assert producer.attributes["messaging.message.id"] == published.event_id
    assert consumer.attributes is not None
    assert consumer.attributes["healthbridge.event.outcome"] == "ack"
    raw = await event_bus.js.get_msg(published.stream, published.seq)
    assert raw.headers is not None
    assert raw.headers["traceparent"] == _traceparent(producer)


async def test_an_explicit_traceparent_parents_the_publish(
    event_bus: EventBus, spans: InMemorySpanExporter
) -> None:
    collector = Collector()
    await event_bus.subscribe("explicit", [STOCK], READ_ALL, collector)
    with span("unrelated"):
        await event_bus.publish(stock_event(), source_key="stock.quant:7:2", traceparent=CALLER)
    [received] = await collector.wait_for(1)

    finished = await _settled(spans, 1)
    [producer] = _named(finished, SpanKind.PRODUCER)
    [consumer] = _named(finished, SpanKind.CONSUMER)
    assert format(producer.context.trace_id, "032x") == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert producer.parent is not None
    assert format(producer.parent.span_id, "016x") == "00f067aa0ba902b7"
    assert received.cloudevent["traceparent"] == _traceparent(consumer)


async def test_a_publish_outside_any_span_starts_a_trace(
    event_bus: EventBus, spans: InMemorySpanExporter
) -> None:
    await event_bus.publish_all(
        [Outgoing(stock_event(1), "stock.quant:1:1"), Outgoing(stock_event(2), "stock.quant:2:1")]
    )

    first, second = _named(spans.get_finished_spans(), SpanKind.PRODUCER)
    assert first.parent is None
    assert second.parent is None
    assert first.context.trace_id != second.context.trace_id


async def test_a_batch_gets_one_consumer_span_per_event_in_its_own_trace(
    event_bus: EventBus, spans: InMemorySpanExporter
) -> None:
    handed: list[str] = []

    async def batch(events: Sequence[ReceivedEvent]) -> list[Outcome]:
        handed.extend(str(e.cloudevent["traceparent"]) for e in events)
        return [ACK for _ in events]

    await event_bus.subscribe_batch("batched", [STOCK], READ_ALL, batch)
    await event_bus.publish_all([Outgoing(stock_event(n), f"stock.quant:{n}:1") for n in range(3)])

    finished = await _settled(spans, 3)
    producers = {s.context.span_id: s for s in _named(finished, SpanKind.PRODUCER)}
    consumers = _named(finished, SpanKind.CONSUMER)
    assert len(consumers) == 3
    for consumer in consumers:
        assert consumer.parent is not None
        producer = producers[consumer.parent.span_id]
        assert consumer.context.trace_id == producer.context.trace_id
    assert len({c.context.trace_id for c in consumers}) == 3
    # What the batch handler hands on (a webhook delivery) continues from each consumer.
    assert sorted(handed) == sorted(_traceparent(c) for c in consumers)


async def test_a_failing_handler_marks_its_consumer_span_by_code(
    event_bus: EventBus, spans: InMemorySpanExporter
) -> None:
    async def failing(_: ReceivedEvent) -> Outcome:
        raise HandlerError("the downstream system refused MRN-4417")

    await event_bus.subscribe("failing", [STOCK], READ_ALL, failing, max_deliveries=1)
    await event_bus.publish(stock_event(), source_key="stock.quant:7:3")

    [consumer] = _named(await _settled(spans, 1), SpanKind.CONSUMER)
    assert consumer.status.status_code is StatusCode.ERROR
    assert consumer.attributes is not None
    assert consumer.attributes["error.type"] == "test.handler_down"
    assert consumer.attributes["healthbridge.event.outcome"] == "failed"
    assert "MRN-4417" not in str(consumer.to_json())


async def test_without_tracing_an_event_continues_the_current_trace(
    event_bus: EventBus,
) -> None:
    collector = Collector()
    await event_bus.subscribe("untraced", [STOCK], READ_ALL, collector)
    await event_bus.publish(stock_event(), source_key="stock.quant:7:4", traceparent=CALLER)
    [received] = await collector.wait_for(1)

    assert received.cloudevent["traceparent"] == CALLER  # the explicit one, as given
