"""Real Odoo calls to the sandbox, seen through the hook in /metrics and in spans."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.errors import HealthbridgeError
from healthbridge.core.settings import OdooSettings
from healthbridge.gateway.health import health_router
from healthbridge.observability import HubMetrics, OdooCallObserver, span
from healthbridge.sandbox.odoo import RunningSandbox


def _settings(sandbox: RunningSandbox, protocol: str) -> OdooSettings:
    return OdooSettings(
        url=sandbox.url,
        database=sandbox.database,
        login="admin",
        api_key=SecretStr(sandbox.api_keys["admin"]),
        protocol=protocol,
        timeout_seconds=5.0,
        retry_initial_backoff_seconds=0.001,
        retry_max_backoff_seconds=0.01,
    )


@pytest.mark.parametrize("protocol", ["json2", "jsonrpc"])
async def test_odoo_calls_appear_in_metrics_by_model_method_and_outcome(
    odoo_sandbox: RunningSandbox, spans: InMemorySpanExporter, protocol: str
) -> None:
    metrics = HubMetrics()
    client = await OdooClient.connect(
        _settings(odoo_sandbox, protocol), hook=OdooCallObserver(metrics)
    )
    try:
        with span("test.request"):
            await client.search_read("res.partner", [], ["name"], limit=5)
            await client.search_read("res.partner", [], ["name"], limit=5)
            [created] = await client.create("res.partner", [{"name": "Harbour Clinic"}])
            with pytest.raises(HealthbridgeError) as failure:
                await client.search_read("no.such.model", [], ["name"])
    finally:
        await client.close()
    error_code = failure.value.code

    app = FastAPI()
    app.include_router(health_router([], metrics=metrics, metrics_public=True))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub"
    ) as http:
        text = (await http.get("/metrics")).text

    samples = [s for f in text_string_to_metric_families(text) for s in f.samples]

    def value(name: str, **labels: str) -> float:
        return sum(
            s.value for s in samples if s.name == name and labels.items() <= s.labels.items()
        )

    assert value("healthbridge_odoo_calls_total", model="res.partner", outcome="ok") >= 3
    assert (
        value("healthbridge_odoo_calls_total", model="res.partner", method="create", outcome="ok")
        == 1
    )
    assert value("healthbridge_odoo_calls_total", model="no.such.model", outcome="error") == 1
    assert value("healthbridge_odoo_call_errors_total", model="no.such.model", code=error_code) == 1
    assert (
        value(
            "healthbridge_odoo_call_duration_seconds_count", model="res.partner", protocol=protocol
        )
        >= 3
    )
    assert value("healthbridge_odoo_call_duration_seconds_sum", model="res.partner") > 0
    assert created > 0

    # The handshake's calls (version, login) ran at connect, outside the request span.
    odoo_spans = [
        s
        for s in spans.get_finished_spans()
        if s.name.startswith(("odoo res.partner.", "odoo no.such.model."))
    ]
    [request] = [s for s in spans.get_finished_spans() if s.name == "test.request"]
    assert {s.name for s in odoo_spans} >= {
        "odoo res.partner.create",
        "odoo no.such.model.search_read",
    }
    assert len(odoo_spans) == 4
    assert all(s.context.trace_id == request.context.trace_id for s in odoo_spans)
    [failed] = [s for s in odoo_spans if s.name == "odoo no.such.model.search_read"]
    assert failed.status.status_code is StatusCode.ERROR
