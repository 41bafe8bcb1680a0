"""Availability from the read model, read-through past the staleness bound, change capture."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from healthbridge.canonical.changes import OdooChange
from healthbridge.gateway.routes.inventory import inventory_router
from healthbridge.services.inventory import InventoryAvailability
from healthbridge.store.read_model import InventoryReadModel
from healthbridge.testing import FakeClock
from tests.integration.gateway import route_fixtures
from tests.integration.gateway.route_app import build_test_app, scopes_header

# The route fixtures, made visible to this module's tests (the folder conftest is the platform's).
hub_odoo = route_fixtures.hub_odoo
orm = route_fixtures.orm
read_model_engine = route_fixtures.read_model_engine

READ = scopes_header("inventory.read")


@pytest.fixture
def clock():
    return FakeClock(datetime.now(UTC))


@pytest.fixture
def inventory(hub_odoo, read_model_engine, clock):
    return InventoryAvailability(
        hub_odoo, InventoryReadModel(read_model_engine), staleness_seconds=30, clock=clock
    )


@pytest.fixture
async def client(inventory):
    app = build_test_app([inventory_router(inventory)])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
        yield http


def lotted_product(orm):
    """A lot-tracked product that has stock in an internal location, with its keys."""
    quants = orm(
        "stock.quant",
        "search_read",
        [("lot_id", "!=", False), ("location_id.usage", "=", "internal")],
        fields=["product_id", "location_id", "quantity"],
        limit=1,
    )
    [product] = orm(
        "product.product",
        "read",
        [quants[0]["product_id"][0]],
        fields=["id", "barcode", "default_code"],
    )
    return product, quants[0]


def changed(model, record_id):
    now = datetime.now(UTC)
    return OdooChange(
        model=model, record_id=record_id, write_date=now, source="poller", observed_at=now
    )


class TestAvailability:
    async def test_a_full_refresh_serves_a_gtin_from_the_read_model_with_lots_and_age(
        self, inventory, client, orm, clock
    ):
        product, quant = lotted_product(orm)
        assert await inventory.refresh_all() > 10
        clock.advance(5)

        response = await client.get(
            "/api/v1/inventory/availability", params={"product": product["barcode"]}, headers=READ
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["source"] == "read_model"
        assert body["age_seconds"] == pytest.approx(5, abs=0.01)
        assert body["staleness_bound_seconds"] == 30
        assert body["gtin"] == product["barcode"]
        assert body["withheld"] == []
        location = next(s for s in body["locations"] if s["location_id"] == quant["location_id"][0])
        assert location["lots"], "a lot-tracked product lists its lots"
        assert all(lot["expiry"] for lot in location["lots"])
        expiries = [lot["expiry"] for lot in location["lots"]]
        assert expiries == sorted(expiries)
        total = sum(
            q["quantity"]
            for q in orm(
                "stock.quant",
                "search_read",
                [("product_id", "=", product["id"]), ("location_id", "=", quant["location_id"][0])],
                fields=["quantity"],
            )
        )
        assert location["quantity"] == pytest.approx(total)

    async def test_an_internal_reference_and_a_location_name_narrow_the_answer(
        self, inventory, client, orm
    ):
        product, quant = lotted_product(orm)
        await inventory.refresh_all()
        [location] = orm(
            "stock.location", "read", [quant["location_id"][0]], fields=["complete_name"]
        )

        response = await client.get(
            "/api/v1/inventory/availability",
            params={"product": product["default_code"], "location": location["complete_name"]},
            headers=READ,
        )

        body = response.json()
        assert [s["location"] for s in body["locations"]] == [location["complete_name"]]

    async def test_data_older_than_the_bound_is_read_through_from_odoo_and_refreshed(
        self, inventory, client, orm, clock
    ):
        product, quant = lotted_product(orm)
        await inventory.refresh_all()
        orm("stock.quant", "write", [quant["id"]], {"quantity": 4242.0})
        clock.advance(31)

        first = (
            await client.get(
                "/api/v1/inventory/availability",
                params={"product": product["barcode"]},
                headers=READ,
            )
        ).json()
        second = (
            await client.get(
                "/api/v1/inventory/availability",
                params={"product": product["barcode"]},
                headers=READ,
            )
        ).json()

        assert first["source"] == "odoo"
        assert first["age_seconds"] == 0
        lots = [lot for s in first["locations"] for lot in s["lots"]]
        assert 4242.0 in [lot["quantity"] for lot in lots]
        assert second["source"] == "read_model"

    async def test_a_captured_quant_change_is_applied_by_rereading_odoo(
        self, inventory, client, orm
    ):
        product, quant = lotted_product(orm)
        await inventory.refresh_all()
        orm("stock.quant", "write", [quant["id"]], {"quantity": 777.0})

        touched = await inventory.apply_changes(
            [changed("stock.quant", quant["id"]), changed("res.partner", 1)]
        )

        assert touched == 1
        body = (
            await client.get(
                "/api/v1/inventory/availability",
                params={"product": product["barcode"]},
                headers=READ,
            )
        ).json()
        assert body["source"] == "read_model"
        assert 777.0 in [lot["quantity"] for s in body["locations"] for lot in s["lots"]]

    async def test_a_product_unknown_to_odoo_is_a_404(self, inventory, client):
        response = await client.get(
            "/api/v1/inventory/availability", params={"product": "NO-SUCH-ITEM"}, headers=READ
        )

        assert response.status_code == 404

    async def test_a_caller_without_inventory_read_is_refused(self, client):
        response = await client.get(
            "/api/v1/inventory/availability",
            params={"product": "x"},
            headers=scopes_header("orders.write"),
        )

        assert response.status_code == 403
