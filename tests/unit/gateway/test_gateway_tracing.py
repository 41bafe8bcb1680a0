"""The gateway's trace context: one SERVER span per request, current while the route runs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI, Request
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from healthbridge.gateway.app import NO_NATIVE_TELEMETRY
from healthbridge.gateway.tracing import TraceContextMiddleware
from healthbridge.observability import (
    configure_tracing,
    current_traceparent,
    shutdown_tracing,
    span,
)

CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


class SecretError(RuntimeError):
    """An error whose message quotes a patient."""


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    configure_tracing("gateway-test", exporter=exporter, install_global=False)
    try:
        yield exporter
    finally:
        shutdown_tracing()


def _app() -> FastAPI:
    app = FastAPI(telemetry=NO_NATIVE_TELEMETRY)

    @app.get("/patients/{mrn}")
    async def read(mrn: str, request: Request) -> dict[str, str | None]:
        with span("odoo res.partner.read", kind=SpanKind.CLIENT):
            pass
        return {
            "state_trace": request.state.trace_id,
            "state_span": request.state.span_id,
            "current": current_traceparent(),
        }

    @app.get("/broken")
    async def broken() -> None:
        raise SecretError("MRN-4417 not found")

    @app.get("/unavailable", status_code=503)
    async def unavailable() -> dict[str, str]:
        return {}

    app.add_middleware(TraceContextMiddleware)
    return app


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
        yield client


async def test_a_request_is_a_server_span_under_the_callers_trace(
    http: httpx.AsyncClient, spans: InMemorySpanExporter
) -> None:
    answer = await http.get("/patients/MRN-4417", headers={"traceparent": CALLER})

    odoo, server = spans.get_finished_spans()
    assert server.kind is SpanKind.SERVER
    assert server.name == "GET /patients/{mrn}"
    assert server.parent is not None
    assert format(server.parent.span_id, "016x") == "00f067aa0ba902b7"
    assert format(server.context.trace_id, "032x") == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert server.attributes == {
        "http.request.method": "GET",
        "http.route": "/patients/{mrn}",
        "http.response.status_code": 200,
    }  # the raw path, which names the patient, is not recorded
    assert odoo.parent is not None
    assert odoo.parent.span_id == server.context.span_id
    body = answer.json()
    own = f"00-{body['state_trace']}-{body['state_span']}-01"
    assert body["state_trace"] == format(server.context.trace_id, "032x")
    assert body["state_span"] == format(server.context.span_id, "016x")
    assert body["current"] == own  # an event published here continues this span
    assert answer.headers["traceparent"] == own


async def test_without_a_valid_traceparent_the_request_starts_a_trace(
    http: httpx.AsyncClient, spans: InMemorySpanExporter
) -> None:
    await http.get("/patients/1")
    await http.get(
        "/patients/2", headers={"traceparent": "00-" + "0" * 32 + "-00f067aa0ba902b7-01"}
    )

    first, second = [s for s in spans.get_finished_spans() if s.kind is SpanKind.SERVER]
    assert first.parent is None
    assert second.parent is None
    assert first.context.trace_id != second.context.trace_id


async def test_a_5xx_answer_marks_the_span_as_an_error(
    http: httpx.AsyncClient, spans: InMemorySpanExporter
) -> None:
    ok = await http.get("/patients/1")
    failing = await http.get("/unavailable")

    assert (ok.status_code, failing.status_code) == (200, 503)
    served = [s for s in spans.get_finished_spans() if s.kind is SpanKind.SERVER]
    assert served[0].status.status_code is StatusCode.UNSET
    assert served[1].status.status_code is StatusCode.ERROR
    assert served[1].attributes is not None
    assert served[1].attributes["error.type"] == "503"


async def test_an_exception_is_recorded_by_type_never_by_message(
    http: httpx.AsyncClient, spans: InMemorySpanExporter
) -> None:
    answer = await http.get("/broken")

    assert answer.status_code == 500
    [server] = spans.get_finished_spans()
    assert server.status.status_code is StatusCode.ERROR
    assert server.attributes is not None
    assert server.attributes["error.type"] == "SecretError"
    assert not server.events  # no exception event: its message quotes the patient
    assert "MRN-4417" not in str(server.to_json())


async def test_without_tracing_set_up_the_trace_id_still_flows(http: httpx.AsyncClient) -> None:
    answer = await http.get("/patients/1", headers={"traceparent": CALLER})

    body = answer.json()
    assert body["state_trace"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert body["state_span"] != "00f067aa0ba902b7"
    assert body["current"] == f"00-{body['state_trace']}-{body['state_span']}-01"
    assert answer.headers["traceparent"] == body["current"]
