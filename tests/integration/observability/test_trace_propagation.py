"""One trace across real hops: NATS message headers, an HTTP webhook, a stored workflow input."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid

import aiohttp
import nats
import pytest
from aiohttp import web
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from pydantic import BaseModel

from healthbridge.observability import extract_context, inject_traceparent, span, trace_carrier

NATS_URL = os.environ.get("HEALTHBRIDGE_TEST_NATS_URL", "nats://127.0.0.1:4222")


def _nats_or_skip() -> str:
    host, _, port = NATS_URL.removeprefix("nats://").partition(":")
    try:
        with socket.create_connection((host, int(port or 4222)), timeout=0.5):
            return NATS_URL
    except OSError:
        pytest.skip(f"no NATS server answers at {NATS_URL} (set HEALTHBRIDGE_TEST_NATS_URL)")


class ReplenishmentInput(BaseModel):
    """A workflow input as stored by the workflow engine: JSON, read back later."""

    request_id: str
    trace: dict[str, str] = {}


async def test_an_api_call_reaches_its_webhook_and_workflow_in_one_trace(
    spans: InMemorySpanExporter,
) -> None:
    url = _nats_or_skip()
    received = asyncio.Event()

    async def webhook_receiver(request: web.Request) -> web.Response:
        with span("webhook.receive", parent=extract_context(request.headers), kind=SpanKind.SERVER):
            received.set()
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hooks/supply", webhook_receiver)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    connection = await nats.connect(url, connect_timeout=2)
    subject = f"test.observability.{uuid.uuid4().hex}"
    try:
        subscription = await connection.subscribe(subject)
        # Gateway: the API request publishes an event.
        with (
            span("POST /v1/supply-requests", kind=SpanKind.SERVER),
            span("events.publish", kind=SpanKind.PRODUCER),
        ):
            await connection.publish(
                subject, b'{"id": "SR-1042"}', headers=inject_traceparent({"Nats-Msg-Id": "e1"})
            )
        message = await subscription.next_msg(timeout=5)
        assert message.headers is not None

        # Worker: consume, deliver the webhook, start the workflow with the context.
        with span(
            "events.consume", parent=extract_context(message.headers), kind=SpanKind.CONSUMER
        ):
            async with aiohttp.ClientSession() as session:
                with span("webhook.deliver", kind=SpanKind.CLIENT):
                    headers = inject_traceparent({"webhook-id": "msg_1"})
                    async with session.post(
                        f"http://127.0.0.1:{port}/hooks/supply", json={}, headers=headers
                    ) as response:
                        assert response.status == 204
            stored = ReplenishmentInput(request_id="SR-1042", trace=trace_carrier())
            stored_json = stored.model_dump_json()
        await asyncio.wait_for(received.wait(), 5)
    finally:
        await connection.close()
        await runner.cleanup()

    # Later, perhaps in another process: the workflow resumes from its stored input.
    resumed = ReplenishmentInput.model_validate_json(stored_json)
    with (
        span("workflow.supply_replenishment", parent=extract_context(resumed.trace)),
        span("odoo purchase.order.create", kind=SpanKind.CLIENT),
    ):
        pass

    finished = spans.get_finished_spans()
    names = {s.name for s in finished}
    assert names == {
        "POST /v1/supply-requests",
        "events.publish",
        "events.consume",
        "webhook.deliver",
        "webhook.receive",
        "workflow.supply_replenishment",
        "odoo purchase.order.create",
    }
    assert len({s.context.trace_id for s in finished}) == 1
    by_id = {s.context.span_id: s.name for s in finished}
    parents = {s.name: by_id.get(s.parent.span_id) if s.parent else None for s in finished}
    assert parents["events.consume"] == "events.publish"
    assert parents["webhook.receive"] == "webhook.deliver"
    assert parents["workflow.supply_replenishment"] == "events.consume"
