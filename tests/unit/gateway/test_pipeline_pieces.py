"""The pure pieces of the pipeline: public routes, trace context, versions, problems."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
from starlette.responses import PlainTextResponse

from healthbridge.core.sections.gateway import ApiDeprecation
from healthbridge.gateway.authorization import scope_granted
from healthbridge.gateway.problems import error_document
from healthbridge.gateway.public import public_routes
from healthbridge.gateway.tracing import parse_traceparent
from healthbridge.gateway.versions import VersionMiddleware


def test_public_routes_match_templates_and_nothing_more():
    public = public_routes(docs_public=False)

    assert "/hooks/odoo/pharmacy" in public
    assert "/hooks/odoo/a/b" not in public
    assert "/healthz" in public
    assert "/healthz/x" not in public
    assert "/openapi.json" not in public
    assert "/openapi.json" in public_routes(docs_public=True)
    assert "/health/ready" in public
    assert "/metrics" not in public
    assert "/metrics" in public_routes(docs_public=False, metrics_public=True)


def test_traceparent_is_accepted_only_when_valid():
    valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    assert parse_traceparent(valid) == ("4bf92f3577b34da6a3ce929d0e0e4736", "01")
    assert parse_traceparent("00-" + "0" * 32 + "-00f067aa0ba902b7-01") is None
    assert parse_traceparent("garbage") is None
    assert parse_traceparent(None) is None


def test_smart_scopes_cover_narrower_permissions():
    granted = frozenset({"system/Patient.rs", "system/*.c", "inventory.read"})

    assert scope_granted(granted, "system/Patient.r")
    assert scope_granted(granted, "system/SupplyRequest.c")
    assert not scope_granted(granted, "system/Patient.u")
    assert not scope_granted(granted, "orders.write")
    assert scope_granted(frozenset({"system/Patient.read"}), "system/Patient.rs")


def test_business_errors_are_problems_and_fhir_errors_are_outcomes():
    body, media = error_document("/api/v1/x", 404, "x.missing", "no such x", trace_id="t1")
    fhir_body, fhir_media = error_document("/fhir/R4/Patient/1", 429, "q", "slow down")

    assert media == "application/problem+json"
    assert json.loads(body) == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "no such x",
        "code": "x.missing",
        "trace_id": "t1",
    }
    assert fhir_media == "application/fhir+json"
    assert json.loads(fhir_body)["issue"][0]["code"] == "throttled"


async def test_versions_add_headers_before_sunset_and_answer_410_after():
    deprecation = ApiDeprecation(
        path_prefix="/api/v1",
        deprecated_at=datetime(2026, 1, 1, tzinfo=UTC),
        sunset=datetime(2027, 1, 1, tzinfo=UTC),
        successor="/api/v2",
    )
    now = datetime(2026, 6, 1, tzinfo=UTC)
    app = VersionMiddleware(PlainTextResponse("ok"), deprecations=[deprecation], now=lambda: now)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")

    before = await client.get("/api/v1/x")
    now = datetime(2027, 1, 2, tzinfo=UTC)
    after = await client.get("/api/v1/x")
    other = await client.get("/api/v10/x")

    assert before.status_code == 200
    assert before.headers["deprecation"] == "@1767225600"
    assert before.headers["sunset"] == "Fri, 01 Jan 2027 00:00:00 GMT"
    assert after.status_code == 410
    assert after.json()["code"] == "gateway.sunset"
    assert "deprecation" not in other.headers
    await client.aclose()
