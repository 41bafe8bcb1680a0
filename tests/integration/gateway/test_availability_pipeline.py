"""The availability read through the whole pipeline: its direct answer keeps every control.

The route answers well-formed requests without FastAPI's request machinery (and the
app finds it without the router's search); these tests hold that path to the same
pipeline as any route: token, scope, quota headers, trace context, audit, problems.
"""

from __future__ import annotations

import pytest
from fastapi import APIRouter

from healthbridge.gateway.routes.inventory import inventory_router
from tests.integration.gateway.conftest import bearer
from tests.integration.gateway.stand_ins import stand_in_routers
from tests.unit.services.test_inventory import GTIN, Stock

PATH = "/api/v1/inventory/availability"
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.fixture
async def stock() -> Stock:
    stock = Stock(staleness=3600.0, cache=3600.0)
    await stock.use_case.refresh_all()
    return stock


@pytest.fixture
def extra_routers(stock: Stock) -> list[APIRouter]:
    return [*stand_in_routers(), inventory_router(stock.use_case)]


async def test_a_read_carries_quota_and_trace_headers_and_is_audited_by_its_template(
    http, register, runtime
):
    client_id, _ = await register(scopes=("inventory.read",))
    client = await runtime.clients.get(client_id)
    assert client is not None
    token = runtime.issuer.issue(client, client.scopes).access_token

    response = await http.get(
        PATH, params={"product": GTIN}, headers={**bearer(token), "traceparent": TRACEPARENT}
    )
    await runtime.audit.flush()

    assert response.status_code == 200
    assert response.json()["gtin"] == GTIN
    assert response.headers["ratelimit-policy"].startswith('"default";q=')
    assert response.headers["ratelimit"].startswith('"default";r=')
    assert response.headers["traceparent"].startswith("00-0af7651916cd43dd8448eb211c80319c-")
    [entry] = await runtime.audit.log.entries()
    assert (entry.record.method, entry.record.route, entry.record.status) == ("GET", PATH, 200)
    assert entry.record.client_id == client_id
    assert entry.record.trace_id == "0af7651916cd43dd8448eb211c80319c"
    assert (await runtime.audit.log.verify()).intact


async def test_refusals_and_errors_keep_their_problem_documents_and_audit_entries(
    http, register, runtime, mint
):
    reader_id, _ = await register(scopes=("inventory.read",))
    reader = mint(reader_id, scopes=("inventory.read",))
    outsider = mint(reader_id, scopes=("orders.write",))

    anonymous = await http.get(PATH, params={"product": GTIN})
    unscoped = await http.get(PATH, params={"product": GTIN}, headers=bearer(outsider))
    malformed = await http.get(PATH, params={"product": ""}, headers=bearer(reader))
    unknown = await http.get(PATH, params={"product": "0000000000000"}, headers=bearer(reader))
    await runtime.audit.flush()

    answers = [anonymous, unscoped, malformed, unknown]
    assert [r.status_code for r in answers] == [401, 403, 422, 404]
    assert {r.headers["content-type"] for r in answers} == {"application/problem+json"}
    assert [r.json()["code"] for r in answers] == [
        "auth.unauthenticated",
        "auth.insufficient_scope",
        "request.invalid",
        "healthbridge.not_found",
    ]
    assert all("traceparent" in r.headers for r in answers)
    entries = await runtime.audit.log.entries()
    assert [(e.record.route, e.record.status) for e in entries] == [
        (PATH, 401),
        (PATH, 403),
        (PATH, 422),
        (PATH, 404),
    ]
