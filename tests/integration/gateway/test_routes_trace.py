"""``GET /api/v1/trace/business/{key}``: a business transaction's timeline, over a real store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.core.clock import utc_now
from healthbridge.gateway.routes.trace import trace_router
from healthbridge.store.business_events import BusinessEvents
from tests.integration.gateway.route_app import build_test_app, scopes_header

KEY = "supply:replenishment-3-16-demo"


@pytest.fixture
async def recorded(store_engine: AsyncEngine) -> BusinessEvents:
    events = BusinessEvents(store_engine)
    started = utc_now() - timedelta(minutes=5)
    await events.record(KEY, "supply_request", "hub", f"workflow/{KEY[7:]}", started,
                        trace_id="4bf92f3577b34da6a3ce929d0e0e4736")  # fmt: skip
    await events.record(KEY, "purchase_order", "odoo", "purchase.order/15",
                        started + timedelta(seconds=4))  # fmt: skip
    return events


@pytest.fixture
async def client(recorded: BusinessEvents) -> AsyncIterator[httpx.AsyncClient]:
    app = build_test_app([trace_router(recorded)])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


class TestBusinessTraceRoute:
    async def test_the_timeline_lists_each_step_of_the_chain_with_its_record(self, client):
        response = await client.get(
            f"/api/v1/trace/business/{KEY}", headers=scopes_header("trace.read")
        )

        assert response.status_code == 200
        body = response.json()
        assert (body["key"], body["chain"]) == (KEY, "supply")
        steps = {s["step"]: s for s in body["steps"]}
        assert list(steps) == [
            "supply_request", "purchase_order", "receipt", "vendor_bill", "payment",
        ]  # fmt: skip
        assert steps["supply_request"]["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
        assert steps["purchase_order"]["record"] == "purchase.order/15"
        assert steps["purchase_order"]["status"] == "on_time"
        assert steps["receipt"]["record"] is None
        assert body["problems"] == []

    async def test_an_unknown_key_is_a_404(self, client):
        response = await client.get(
            "/api/v1/trace/business/supply:nothing", headers=scopes_header("trace.read")
        )

        assert response.status_code == 404
        assert response.json()["code"] == "healthbridge.not_found"

    async def test_a_caller_without_trace_read_is_refused(self, client):
        response = await client.get(
            f"/api/v1/trace/business/{KEY}", headers=scopes_header("inventory.read")
        )

        assert response.status_code == 403
