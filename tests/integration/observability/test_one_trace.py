"""One trace holds the whole outbound path, from the hub's own spans, exported in memory.

A hub as ``serve`` runs it (gateway app over real HTTP on loopback, embedded JetStream,
the relay, the webhook fan-out worker and dispatcher) against the Odoo sandbox, with a
real local receiver. Two ways into the path:

- An authenticated API write (a partner upsert): the request's SERVER span is the parent
  of the Odoo call it makes and, once the change comes back through capture and the
  relay, of the event published for it (``observability.write_traces``); the event's
  consumer, the webhook attempt and the receiver continue the same trace.
- An Odoo change through the poller and the relay: the relay's publish starts the trace
  and the webhook arrives in it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from pydantic import SecretStr

from healthbridge.bootstrap import Hub, open_hub, open_odoo, serve_http
from healthbridge.connectors.odoo import OdooClient
from healthbridge.core import Settings, load_settings
from healthbridge.gateway.hub_app import open_hub_app
from healthbridge.sandbox.odoo import RunningSandbox
from healthbridge.sandbox.receiver import ReceivedWebhook, WebhookReceiver
from healthbridge.worker import Worker, open_worker

STOCK = "org.healthbridge.stock.level-changed.v1"
PARTNER_UPSERTED = "org.healthbridge.partner.upserted.v1"
ROUTE = "/api/v1/partners/{system}/{value}"


@dataclass
class RunningHub:
    hub: Hub
    worker: Worker
    admin: OdooClient
    url: str
    token: str


def _settings(sandbox: RunningSandbox, data_dir: Path) -> Settings:
    return load_settings(
        data_dir=data_dir,
        odoo={
            "url": sandbox.url,
            "database": sandbox.database,
            "login": "hub-integration",
            "api_key": sandbox.api_keys["hub-integration"],
        },
        capture={"models": ["res.partner"], "overlap_seconds": 1.0, "poll_interval_seconds": 0.2},
        webhooks={"poll_interval_seconds": 0.05, "api_base_url": "https://hub.example.org"},
    )


async def _fanned_out(hub: Hub, within: float = 20.0) -> None:
    async with asyncio.timeout(within):
        while any(c.pending or c.ack_pending for c in await hub.events.consumers("webhooks")):  # noqa: ASYNC110 - NATS offers counts, not a signal
            await asyncio.sleep(0.05)


@pytest.fixture
async def running(
    odoo_sandbox: RunningSandbox, tmp_path: Path, spans: InMemorySpanExporter
) -> AsyncIterator[RunningHub]:
    settings = _settings(odoo_sandbox, tmp_path / "hub")
    person = settings.model_copy(
        update={
            "odoo": settings.odoo.model_copy(
                update={"login": "admin", "api_key": SecretStr(odoo_sandbox.api_keys["admin"])}
            )
        }
    )
    async with (
        open_hub(settings) as hub,
        open_odoo(person) as admin,
        open_hub_app(hub) as surface,
        serve_http(surface.app, "127.0.0.1", 0) as http,
        open_worker(hub, api_base_url=http.url) as worker,
    ):
        await hub.poller.run_once()  # the demo data is history, not news
        await hub.relay.run_until_idle()
        await _fanned_out(hub)
        client, _ = await surface.gateway.clients.add(
            "trace test", scopes=("partners.write",), environment="dev", purpose="HOPERAT"
        )
        await surface.gateway.enabled_clients.refresh()
        token = surface.gateway.issuer.issue(client, client.scopes).access_token
        spans.clear()  # start-up publishes and polls are not what the tests look at
        yield RunningHub(hub, worker, admin, http.url, token)


def _trace_of(delivery: ReceivedWebhook) -> tuple[int, int]:
    version, trace_id, span_id, _ = delivery.headers["traceparent"].split("-")
    assert version == "00"
    return int(trace_id, 16), int(span_id, 16)


def _one(spans: Sequence[ReadableSpan], kind: SpanKind, prefix: str) -> ReadableSpan:
    found = [s for s in spans if s.kind is kind and s.name.startswith(prefix)]
    assert len(found) == 1, [(s.name, s.kind) for s in spans]
    return found[0]


def _parent(span: ReadableSpan, spans: Sequence[ReadableSpan]) -> ReadableSpan | None:
    if span.parent is None:
        return None
    return next((s for s in spans if s.context.span_id == span.parent.span_id), None)


async def _ended(exporter: InMemorySpanExporter, *names: str, within: float = 10.0) -> None:
    """Wait until a span of each name has ended: the attempt's ends once the receiver's
    answer is read, and the consumer's once its event is acked, which may come later."""
    deadline = time.monotonic() + within
    while not all(any(s.name == n for s in exporter.get_finished_spans()) for n in names):
        assert time.monotonic() < deadline, f"not all of {names} ended"
        await asyncio.sleep(0.02)


async def test_an_api_write_and_its_webhook_are_one_trace(
    running: RunningHub, spans: InMemorySpanExporter
) -> None:
    """A partner upserted through the API comes back as an Odoo change; its event, and the
    webhook that event becomes, continue the request's trace."""
    async with WebhookReceiver() as receiver:
        await running.worker.webhooks.registry.add("crm", receiver.url, [PARTNER_UPSERTED])
        async with httpx.AsyncClient(base_url=running.url, timeout=10) as client:
            answer = await client.put(
                "/api/v1/partners/urn:example:facility/NORTH-7",
                json={"kind": "facility", "name": "Northside Ward 7"},
                headers={"Authorization": f"Bearer {running.token}", "Idempotency-Key": "up-1"},
            )
        assert answer.status_code == 201, answer.text
        await running.hub.poller.run_once()
        await receiver.wait_for(1, within=20)
        await _ended(spans, "webhook POST", f"process {PARTNER_UPSERTED}")
    finished = [s for s in spans.get_finished_spans() if s.kind is not SpanKind.INTERNAL]
    server = _one(finished, SpanKind.SERVER, "PUT")
    trace_id = server.context.trace_id
    in_trace = [s for s in finished if s.context.trace_id == trace_id]

    create = _one(in_trace, SpanKind.CLIENT, "odoo res.partner.create")
    publish = _one(in_trace, SpanKind.PRODUCER, "publish ")
    consume = _one(in_trace, SpanKind.CONSUMER, "process " + PARTNER_UPSERTED)
    attempt = _one(in_trace, SpanKind.CLIENT, "webhook POST")
    assert server.name == f"PUT {ROUTE}"
    assert server.attributes is not None
    assert server.attributes["http.route"] == ROUTE
    assert server.attributes["http.response.status_code"] == 201
    assert server.parent is None
    assert _parent(create, in_trace) is server
    assert _parent(publish, in_trace) is server  # via the relay, a poll later
    assert _parent(consume, in_trace) is publish
    assert _parent(attempt, in_trace) is consume
    assert attempt.attributes is not None
    assert attempt.attributes["http.response.status_code"] == 204
    assert consume.attributes is not None
    assert consume.attributes["healthbridge.event.outcome"] == "ack"

    [delivery] = receiver.received
    assert _trace_of(delivery) == (trace_id, attempt.context.span_id)
    echoed = answer.headers["traceparent"].split("-")
    assert (int(echoed[1], 16), int(echoed[2], 16)) == (trace_id, server.context.span_id)


async def test_an_odoo_change_and_its_webhook_are_one_trace(
    running: RunningHub, spans: InMemorySpanExporter
) -> None:
    async with WebhookReceiver() as receiver:
        await running.worker.webhooks.registry.add("crm", receiver.url, [PARTNER_UPSERTED])
        await asyncio.sleep(1.01 - time.time() % 1)  # Odoo change versions are per second
        await running.admin.create("res.partner", [{"name": "Harbour Clinic", "is_company": True}])
        await running.hub.poller.run_once()
        await receiver.wait_for(1, within=20)
        await _ended(spans, "webhook POST", f"process {PARTNER_UPSERTED}")
    finished = [s for s in spans.get_finished_spans() if s.kind is not SpanKind.INTERNAL]
    publish = _one(finished, SpanKind.PRODUCER, "publish ")
    in_trace = [s for s in finished if s.context.trace_id == publish.context.trace_id]
    consume = _one(in_trace, SpanKind.CONSUMER, "process " + PARTNER_UPSERTED)
    attempt = _one(in_trace, SpanKind.CLIENT, "webhook POST")

    assert publish.parent is None  # the relay starts the trace of a change
    assert _parent(consume, in_trace) is publish
    assert _parent(attempt, in_trace) is consume
    [delivery] = receiver.received
    assert _trace_of(delivery) == (publish.context.trace_id, attempt.context.span_id)
