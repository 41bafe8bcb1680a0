"""``GET /api/v1/events/{id}``: the event a thin webhook links to, projected for the caller.

Events reach the route the way they do in a hub: accepted by the webhooks area (the
fan-out) on a real store, which logs each event that made a delivery.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.core.sections.webhooks import WebhooksSettings
from healthbridge.gateway.routes.events import events_router
from healthbridge.store.event_log import EventLog
from healthbridge.webhooks import Webhooks, open_webhooks
from healthbridge.webhooks.payloads import PayloadBuilder
from tests.integration.gateway.route_app import build_test_app, scopes_header

PAID = "org.healthbridge.invoice.paid.v1"
STOCK = "org.healthbridge.stock.level-changed.v1"


def cloud_event(event_id: str, type_: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": event_id,
        "source": "urn:healthbridge:odoo",
        "type": type_,
        "subject": "account.move/42",
        "time": "2026-11-24T10:00:00Z",
        "datacontenttype": "application/json",
        "data": data,
    }


PAID_DATA = {
    "invoice_number": "INV/2026/0042",
    "amount_total": {"value": "120.50", "currency": "EUR"},
    "patient": {"reference": "Patient/7", "identifier": {"system": "urn:mrn", "value": "MRN-7"}},
}


@pytest.fixture
async def area(store_engine: AsyncEngine) -> AsyncIterator[Webhooks]:
    settings = WebhooksSettings(api_base_url="https://hub.example")
    async with open_webhooks(settings, store_engine, dispatch=False) as running:
        await running.registry.add("billing", "https://receiver.example/hooks", [PAID, STOCK])
        yield running


@pytest.fixture
async def client(store_engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = build_test_app([events_router(EventLog(store_engine))])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


class TestEventRoute:
    async def test_a_fanned_out_event_is_served_by_id_without_phi(self, area, client):
        await area.accept([cloud_event("evt-paid-1", PAID, PAID_DATA)])

        response = await client.get(
            "/api/v1/events/evt-paid-1", headers=scopes_header("events:read")
        )

        assert response.status_code == 200
        body = response.json()
        assert (body["id"], body["type"], body["subject"]) == (
            "evt-paid-1",
            PAID,
            "account.move/42",
        )
        assert body["data"]["invoice_number"] == "INV/2026/0042"
        assert "patient" not in body["data"]
        assert body["withheld"] == ["data.patient"]
        assert "MRN-7" not in response.text

    async def test_phi_read_sees_the_patient(self, area, client):
        await area.accept([cloud_event("evt-paid-2", PAID, PAID_DATA)])

        response = await client.get(
            "/api/v1/events/evt-paid-2", headers=scopes_header("events:read", "phi.read")
        )

        assert response.status_code == 200
        assert response.json()["data"]["patient"]["identifier"]["value"] == "MRN-7"
        assert response.json()["withheld"] == []

    async def test_the_thin_webhook_link_of_a_type_without_a_route_leads_here(self, area, client):
        event = cloud_event("evt-stock-1", STOCK, {"quantity": {"value": "12.0"}})
        await area.accept([event])
        path = PayloadBuilder("https://hub.example").link(event).removeprefix("https://hub.example")

        response = await client.get(path, headers=scopes_header("events:read"))

        assert response.status_code == 200
        assert response.json()["data"] == {"quantity": {"value": "12.0"}}

    async def test_an_unknown_id_is_a_404(self, area, client):
        response = await client.get(
            "/api/v1/events/evt-never", headers=scopes_header("events:read")
        )

        assert response.status_code == 404
        assert response.json()["code"] == "healthbridge.not_found"

    async def test_an_event_no_endpoint_wanted_is_not_logged(self, area, client):
        other = "org.healthbridge.stock.move-done.v1"
        await area.accept([cloud_event("evt-unwanted", other, {})])

        response = await client.get(
            "/api/v1/events/evt-unwanted", headers=scopes_header("events:read")
        )

        assert response.status_code == 404

    async def test_a_caller_without_events_read_is_refused(self, area, client):
        await area.accept([cloud_event("evt-paid-3", PAID, PAID_DATA)])

        response = await client.get(
            "/api/v1/events/evt-paid-3", headers=scopes_header("accounts.read", "phi.read")
        )

        assert response.status_code == 403
        assert "INV/2026" not in response.text

    async def test_a_redelivered_event_keeps_its_first_envelope(self, area, store_engine):
        await area.accept([cloud_event("evt-paid-4", PAID, PAID_DATA)])
        await area.accept([cloud_event("evt-paid-4", PAID, {"invoice_number": "changed"})])

        logged = await EventLog(store_engine).get("evt-paid-4")

        assert logged is not None
        assert logged.envelope["data"]["invoice_number"] == "INV/2026/0042"


async def test_an_app_without_an_event_log_answers_503():
    app = build_test_app([events_router()])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/api/v1/events/evt-1", headers=scopes_header("events:read"))

    assert response.status_code == 503
