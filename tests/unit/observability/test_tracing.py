"""W3C trace context carried across hops joins every span into one trace."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import structlog
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from pydantic import BaseModel

from healthbridge.observability import (
    TRACEPARENT,
    HubMetrics,
    OdooCallObserver,
    SliRecorder,
    configure_logging,
    configure_tracing,
    current_trace_id,
    extract_context,
    inject_traceparent,
    parent_of,
    shutdown_tracing,
    span,
    trace_carrier,
    traceparent_of,
    workflow_parent,
)


class WorkflowInput(BaseModel):
    """A workflow's input model carries the trace context as a plain dict field."""

    request: str
    trace: dict[str, str] = {}


def test_one_trace_holds_api_event_webhook_and_workflow_hops(
    spans: InMemorySpanExporter,
) -> None:
    # Gateway: the API request publishes an event with traceparent in its NATS headers.
    with (
        span("POST /v1/supply-requests", kind=SpanKind.SERVER),
        span("events.publish", kind=SpanKind.PRODUCER),
    ):
        nats_headers = inject_traceparent({"Nats-Msg-Id": "evt-1"})
    assert current_trace_id() is None  # the request is over: nothing current any more

    # Worker: the consumer continues the trace from the message headers only.
    with span("events.consume", parent=extract_context(nats_headers), kind=SpanKind.CONSUMER):
        with span("webhook.deliver", kind=SpanKind.CLIENT):
            webhook_headers = inject_traceparent({"webhook-id": "msg_1"})
        workflow_input = WorkflowInput(request="SR-1042", trace=trace_carrier())

    # Subscriber: HTTP headers arrive with other capitalisation.
    received = {name.title(): value for name, value in webhook_headers.items()}
    with span("webhook.receive", parent=extract_context(received), kind=SpanKind.SERVER):
        pass
    # Workflow: resumed later from its stored input.
    with (
        span("workflow.supply_replenishment", parent=extract_context(workflow_input.trace)),
        span("odoo purchase.order.create", kind=SpanKind.CLIENT),
    ):
        pass

    finished = {s.name: s for s in spans.get_finished_spans()}
    assert len(finished) == 7
    assert len({s.context.trace_id for s in finished.values()}) == 1

    def parent_of(name: str) -> str:
        parent = finished[name].parent
        assert parent is not None, name
        return next(n for n, s in finished.items() if s.context.span_id == parent.span_id)

    assert finished["POST /v1/supply-requests"].parent is None
    assert parent_of("events.consume") == "events.publish"
    assert parent_of("webhook.receive") == "webhook.deliver"
    assert parent_of("workflow.supply_replenishment") == "events.consume"
    assert parent_of("odoo purchase.order.create") == "workflow.supply_replenishment"
    assert "Traceparent" in received


def test_a_hop_without_traceparent_starts_a_new_trace(spans: InMemorySpanExporter) -> None:
    with span("first"):
        pass
    with span("second", parent=extract_context({})):
        pass
    with span("third", parent=extract_context({TRACEPARENT: "00-not-a-trace-01"})):
        pass
    first, second, third = spans.get_finished_spans()
    assert len({first.context.trace_id, second.context.trace_id, third.context.trace_id}) == 3
    assert second.parent is None
    assert third.parent is None


def test_the_injected_header_is_a_w3c_traceparent(spans: InMemorySpanExporter) -> None:
    with span("api") as current:
        headers: dict[str, str] = inject_traceparent({})
        context = current.get_span_context()
    version, trace_id, span_id, flags = headers[TRACEPARENT].split("-")
    assert version == "00"
    assert trace_id == format(context.trace_id, "032x")
    assert span_id == format(context.span_id, "016x")
    assert int(flags, 16) & 0x01  # sampled


def test_without_a_recording_span_nothing_is_injected() -> None:
    empty: dict[str, str] = {}
    assert inject_traceparent(empty) == {}


def test_an_exception_marks_the_span_as_an_error(spans: InMemorySpanExporter) -> None:
    with pytest.raises(RuntimeError), span("webhook.deliver"):
        raise RuntimeError("receiver down")
    [failed] = spans.get_finished_spans()
    assert failed.status.status_code is StatusCode.ERROR


def test_an_exception_is_recorded_by_type_never_by_its_message(
    spans: InMemorySpanExporter,
) -> None:
    with pytest.raises(LookupError), span("odoo res.partner.read"):
        raise LookupError("no partner with MRN-4417-SECRET")
    [failed] = spans.get_finished_spans()
    assert failed.attributes is not None
    assert failed.attributes["error.type"] == "LookupError"
    assert not failed.events
    assert "MRN-4417" not in failed.to_json()


def test_a_stored_traceparent_parents_a_span_and_names_it_back(
    spans: InMemorySpanExporter,
) -> None:
    stored = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    with span("webhook POST", parent=parent_of(stored)) as attempt:
        sent = traceparent_of(attempt)
    with span("lost", parent=parent_of("00-garbage")):
        pass
    child, lost = spans.get_finished_spans()
    assert child.parent is not None
    assert format(child.parent.span_id, "016x") == "b7ad6b7169203331"
    assert sent is not None
    assert sent.startswith("00-0af7651916cd43dd8448eb211c80319c-")
    assert sent.split("-")[2] == format(child.context.span_id, "016x")
    assert lost.parent is None
    assert parent_of(None) is None


def test_the_steps_of_one_workflow_share_a_parent_in_the_callers_trace(
    spans: InMemorySpanExporter,
) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    for step in ("check_supplier", "create_purchase_order"):
        with span(step, parent=workflow_parent(trace_id, "replenishment-evt-1")):
            pass
    with span("other run", parent=workflow_parent(trace_id, "replenishment-evt-2")):
        pass
    first, second, other = spans.get_finished_spans()
    assert {format(s.context.trace_id, "032x") for s in (first, second, other)} == {trace_id}
    assert first.parent is not None
    assert second.parent is not None
    assert other.parent is not None
    assert first.parent.span_id == second.parent.span_id != other.parent.span_id
    assert workflow_parent(None, "w") is None
    assert workflow_parent("not-hex-" * 4, "w") is None
    assert workflow_parent("0" * 32, "w") is None


@dataclass
class _Collector:
    url: str
    requests: list[tuple[str, str, bytes]]


@pytest.fixture
def collector() -> Iterator[_Collector]:
    """An OTLP/HTTP collector on a loopback port, in a thread (the exporter is blocking)."""
    requests: list[tuple[str, str, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append((self.path, self.headers["Content-Type"], body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield _Collector(f"http://127.0.0.1:{server.server_address[1]}/v1/traces", requests)
    finally:
        server.shutdown()
        server.server_close()


def test_otlp_export_sends_the_spans_to_the_configured_collector(collector: _Collector) -> None:
    provider = configure_tracing(
        "healthbridge-otlp", export="otlp", otlp_endpoint=collector.url, install_global=False
    )
    try:
        with span("POST /api/v1/orders", kind=SpanKind.SERVER):
            pass
        assert provider.force_flush(5_000)
    finally:
        shutdown_tracing()
    [(path, content_type, body)] = collector.requests
    assert path == "/v1/traces"
    assert content_type == "application/x-protobuf"
    exported = ExportTraceServiceRequest.FromString(body)
    [resource] = exported.resource_spans
    service = {a.key: a.value.string_value for a in resource.resource.attributes}
    assert service["service.name"] == "healthbridge-otlp"
    [scope] = resource.scope_spans
    assert [s.name for s in scope.spans] == ["POST /api/v1/orders"]


def test_log_lines_carry_the_trace_id_of_the_current_span(
    spans: InMemorySpanExporter, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("info", "json")
    with span("api") as current:
        structlog.get_logger().info("supply_request_accepted", request="SR-1")
        trace_id = format(current.get_span_context().trace_id, "032x")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["trace_id"] == trace_id
    assert len(line["span_id"]) == 16


@dataclass(frozen=True)
class _Report:
    model: str = "purchase.order"
    method: str = "create"
    protocol: str = "json2"
    outcome: str = "ok"
    error_code: str | None = None
    duration_seconds: float = 0.25
    started_at_ns: int = 1_800_000_000_000_000_000
    attempts: int = 1


def test_the_odoo_hook_places_a_client_span_under_the_calling_span(
    spans: InMemorySpanExporter, metrics: HubMetrics
) -> None:
    observe = OdooCallObserver(metrics)
    with span("workflow.step"):
        observe(_Report())
        observe(_Report(outcome="error", error_code="odoo.access_denied", attempts=3))
    ok, failed, step = spans.get_finished_spans()
    assert ok.name == "odoo purchase.order.create"
    assert ok.kind is SpanKind.CLIENT
    assert ok.start_time == 1_800_000_000_000_000_000
    assert ok.end_time == 1_800_000_000_250_000_000
    assert ok.parent is not None
    assert ok.parent.span_id == step.context.span_id
    assert ok.attributes is not None
    assert ok.attributes["rpc.method"] == "create"
    assert failed.status.status_code is StatusCode.ERROR
    assert failed.attributes is not None
    assert failed.attributes["error.type"] == "odoo.access_denied"
    assert failed.attributes["odoo.attempts"] == 3


def test_the_odoo_hook_never_raises_even_when_the_report_is_broken(metrics: HubMetrics) -> None:
    OdooCallObserver(metrics)(_Report(duration_seconds=float("nan"), started_at_ns=-1))


def test_the_odoo_hook_counts_only_outages_against_availability(metrics: HubMetrics) -> None:
    sli = SliRecorder()
    observe = OdooCallObserver(metrics, sli=sli, integration="odoo-main")
    observe(_Report())
    observe(_Report(outcome="error", error_code="odoo.access_denied"))
    observe(_Report(outcome="error", error_code="odoo.timeout"))
    observe(_Report(outcome="error", error_code="resilience.circuit_open"))
    [sample] = sli.drain()
    assert (sample.integration, sample.slo, sample.good, sample.total) == (
        "odoo-main",
        "availability",
        2,
        4,
    )
