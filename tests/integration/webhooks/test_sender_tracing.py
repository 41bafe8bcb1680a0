"""Each webhook attempt is a CLIENT span in the event's trace, and the receiver continues it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import aiohttp
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from healthbridge.observability import configure_tracing, shutdown_tracing
from healthbridge.sandbox.receiver import WebhookReceiver
from healthbridge.store.webhook_deliveries import DeliveryRecord
from healthbridge.store.webhook_endpoints import EndpointRecord
from healthbridge.webhooks.sender import Sender
from healthbridge.webhooks.signing import generate_secret

STORED = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    configure_tracing("webhooks-test", exporter=exporter, install_global=False)
    try:
        yield exporter
    finally:
        shutdown_tracing()


@pytest.fixture
async def sender() -> AsyncIterator[Sender]:
    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        yield Sender(session)


def endpoint(url: str) -> EndpointRecord:
    return EndpointRecord(
        id="ep-1",
        consumer="crm",
        url=url,
        event_types=("org.healthbridge.*",),
        secret=generate_secret(),
        previous_secret=None,
        previous_secret_expires_at=None,
        enabled=True,
        paused=False,
        payload="thin",
        full_payload_allowed=False,
        ordering="none",
        owner_contact=None,
        description=None,
        failing_since=None,
        disabled_reason=None,
        created_at=NOW,
        updated_at=NOW,
    )


def delivery(traceparent: str | None = STORED, attempts: int = 0) -> DeliveryRecord:
    return DeliveryRecord(
        id=7,
        endpoint_id="ep-1",
        event_id="evt-000001",
        event_type="org.healthbridge.stock.level-changed.v1",
        subject="stock.quant/7",
        ordering_key=None,
        body='{"type": "org.healthbridge.stock.level-changed.v1"}',
        traceparent=traceparent,
        state="pending",
        attempts=attempts,
        schedule_index=0,
        next_attempt_at=NOW,
        lease_owner=None,
        lease_until=None,
        created_at=NOW,
        last_attempt_at=None,
        delivered_at=None,
        last_status=None,
        last_error=None,
    )


async def test_an_attempt_is_a_client_span_under_the_stored_trace(
    sender: Sender, spans: InMemorySpanExporter
) -> None:
    async with WebhookReceiver() as receiver:
        result = await sender.send(endpoint(receiver.url), delivery(attempts=2), NOW)

    assert result.ok
    [attempt] = spans.get_finished_spans()
    assert attempt.kind is SpanKind.CLIENT
    assert format(attempt.context.trace_id, "032x") == "0af7651916cd43dd8448eb211c80319c"
    assert attempt.parent is not None
    assert format(attempt.parent.span_id, "016x") == "b7ad6b7169203331"
    assert attempt.attributes is not None
    assert attempt.attributes["http.response.status_code"] == 204
    assert attempt.attributes["healthbridge.webhook.attempt"] == 3
    assert attempt.attributes["server.address"] == "127.0.0.1"
    assert attempt.status.status_code is StatusCode.UNSET
    [received] = receiver.received
    _, trace_id, span_id, _ = received.headers["traceparent"].split("-")
    assert (trace_id, span_id) == (
        "0af7651916cd43dd8448eb211c80319c",
        format(attempt.context.span_id, "016x"),
    )  # the receiver continues from this very attempt


async def test_a_refused_attempt_is_an_error_with_its_status(
    sender: Sender, spans: InMemorySpanExporter
) -> None:
    async with WebhookReceiver() as receiver:
        receiver.fail_with(503)
        result = await sender.send(endpoint(receiver.url), delivery(), NOW)

    assert result.status_code == 503
    [attempt] = spans.get_finished_spans()
    assert attempt.status.status_code is StatusCode.ERROR
    assert attempt.attributes is not None
    assert attempt.attributes["error.type"] == "503"
    assert attempt.attributes["http.response.status_code"] == 503


async def test_an_unreachable_receiver_is_an_error_by_kind(
    sender: Sender, spans: InMemorySpanExporter
) -> None:
    async with WebhookReceiver() as receiver:
        url = receiver.url
    result = await sender.send(endpoint(url), delivery(), NOW)  # nobody listens any more

    assert result.error_kind == "connection"
    [attempt] = spans.get_finished_spans()
    assert attempt.status.status_code is StatusCode.ERROR
    assert attempt.attributes is not None
    assert attempt.attributes["error.type"] == "connection"
    assert "http.response.status_code" not in attempt.attributes


async def test_a_delivery_without_a_trace_starts_one(
    sender: Sender, spans: InMemorySpanExporter
) -> None:
    async with WebhookReceiver() as receiver:
        await sender.send(endpoint(receiver.url), delivery(traceparent=None), NOW)

    [attempt] = spans.get_finished_spans()
    assert attempt.parent is None
    [received] = receiver.received
    assert received.headers["traceparent"].split("-")[1] == format(attempt.context.trace_id, "032x")


async def test_without_tracing_the_stored_traceparent_is_sent_as_it_is(sender: Sender) -> None:
    async with WebhookReceiver() as receiver:
        await sender.send(endpoint(receiver.url), delivery(), NOW)

    [received] = receiver.received
    assert received.headers["traceparent"] == STORED
