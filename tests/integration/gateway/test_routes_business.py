"""Orders, partners, accounts, invoices and billing milestones against the Odoo sandbox."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from healthbridge.gateway.routes import RouteServices, business_routers
from healthbridge.store.read_model import InventoryReadModel
from tests.integration.gateway import route_fixtures
from tests.integration.gateway.route_app import build_test_app, scopes_header

# The route fixtures, made visible to this module's tests (the folder conftest is the platform's).
hub_odoo = route_fixtures.hub_odoo
orm = route_fixtures.orm
read_model_engine = route_fixtures.read_model_engine


@pytest.fixture
async def client(hub_odoo, read_model_engine):
    services = RouteServices.build(hub_odoo, InventoryReadModel(read_model_engine))
    app = build_test_app(business_routers(services))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
        yield http


def a_supplier_and_product(orm):
    [supplier] = orm(
        "res.partner", "search_read", [("supplier_rank", ">", 0)], fields=["id"], limit=1
    )
    [product] = orm(
        "product.product", "search_read", [("barcode", "!=", False)], fields=["barcode"], limit=1
    )
    return supplier["id"], product["barcode"]


def a_draft_invoice(orm):
    [partner] = orm(
        "res.partner", "search_read", [("is_company", "=", True)], fields=["id"], limit=1
    )
    [product] = orm("product.product", "search_read", [], fields=["id"], limit=1)
    return orm(
        "account.move",
        "create",
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner["id"],
                "invoice_line_ids": [
                    (0, 0, {"product_id": product["id"], "quantity": 2, "price_unit": 50})
                ],
            }
        ],
    )[0]


class TestOrders:
    async def test_an_approved_order_becomes_a_confirmed_purchase_order_once(self, client, orm):
        supplier, gtin = a_supplier_and_product(orm)
        body = {
            "order_ref": "WARD-7-REQ-1",
            "supplier": f"urn:healthbridge:odoo:res.partner|{supplier}",
            "lines": [{"product": gtin, "quantity": "3", "unit_price": "12.5", "currency": "EUR"}],
        }
        headers = scopes_header("orders.write")

        first = await client.post("/api/v1/orders", json=body, headers=headers)
        replay = await client.post("/api/v1/orders", json=body, headers=headers)

        assert first.status_code == 201, first.text
        assert first.json()["state"] == "purchase"
        assert replay.status_code == 200
        assert replay.json()["purchase_order_id"] == first.json()["purchase_order_id"]
        assert replay.json()["outcome"] == "replayed"
        orders = orm(
            "purchase.order", "search_read", [("origin", "=", "WARD-7-REQ-1")], fields=["id"]
        )
        assert len(orders) == 1

    async def test_an_unknown_product_is_a_404_and_nothing_is_created(self, client, orm):
        supplier, _ = a_supplier_and_product(orm)
        body = {
            "order_ref": "WARD-7-REQ-2",
            "supplier": f"urn:healthbridge:odoo:res.partner|{supplier}",
            "lines": [{"product": "NOPE", "quantity": "1"}],
        }

        response = await client.post(
            "/api/v1/orders", json=body, headers=scopes_header("orders.write")
        )

        assert response.status_code == 404
        assert orm("purchase.order", "search_count", [("origin", "=", "WARD-7-REQ-2")]) == 0


class TestPartners:
    async def test_a_patient_is_created_then_updated_and_its_phi_withheld_without_phi_read(
        self, client, orm
    ):
        url = f"/api/v1/partners/{quote('urn:example:mrn', safe='')}/MRN-4711"
        body = {"kind": "patient", "name": "Ada Example", "city": "Lyon"}

        created = await client.put(url, json=body, headers=scopes_header("partners.write"))
        updated = await client.put(
            url,
            json={**body, "city": "Paris"},
            headers=scopes_header("partners.write", "phi.read"),
        )

        assert created.status_code == 201, created.text
        assert "name" in created.json()["withheld"]
        assert created.json()["name"] is None
        assert updated.status_code == 200
        assert updated.json()["partner_id"] == created.json()["partner_id"]
        assert updated.json()["city"] == "Paris"
        assert updated.json()["withheld"] == []
        [row] = orm(
            "res.partner", "read", [created.json()["partner_id"]], fields=["ref", "category_id"]
        )
        assert row["ref"] == "MRN-4711"


class TestAccountsAndBilling:
    async def test_an_invoice_moves_draft_posted_paid_and_illegal_moves_are_409(self, client, orm):
        invoice_id = a_draft_invoice(orm)
        write = scopes_header("billing.write", "phi.read")

        too_early = await client.post(
            "/api/v1/billing/milestones",
            json={"invoice": str(invoice_id), "milestone": "paid"},
            headers=write,
        )
        posted = await client.post(
            "/api/v1/billing/milestones",
            json={"invoice": str(invoice_id), "milestone": "posted"},
            headers=write,
        )
        paid = await client.post(
            "/api/v1/billing/milestones",
            json={"invoice": str(invoice_id), "milestone": "paid"},
            headers=write,
        )
        again = await client.post(
            "/api/v1/billing/milestones",
            json={"invoice": str(invoice_id), "milestone": "posted"},
            headers=write,
        )
        status = await client.get(
            f"/api/v1/invoices/{paid.json()['number']}", headers=scopes_header("accounts.read")
        )

        assert too_early.status_code == 409
        assert too_early.json()["details"] == {"from": "draft", "to": "paid", "allowed": ["posted"]}
        assert posted.status_code == 200, posted.text
        assert posted.json()["milestone"] == "posted"
        assert paid.json()["milestone"] == "paid"
        assert paid.json()["amount_residual"] == 0
        assert again.status_code == 409
        assert status.status_code == 200
        body = status.json()
        assert body["milestone"] == "paid"
        assert [p["amount"] for p in body["payments"]] == [100.0]
        assert body["withheld"] == ["partner_name"]

    async def test_an_invoice_is_sent_to_the_payer_through_odoos_is_move_sent_then_paid(
        self, client, orm
    ):
        invoice_id = a_draft_invoice(orm)
        write = scopes_header("billing.write")

        unposted = await client.post(
            "/api/v1/billing/milestones",
            json={"invoice": str(invoice_id), "milestone": "sent"},
            headers=write,
        )
        orm("account.move", "action_post", [invoice_id])
        sent = await client.post(
            "/api/v1/billing/milestones",
            json={"invoice": str(invoice_id), "milestone": "sent"},
            headers=write,
        )
        [row] = orm("account.move", "read", [invoice_id], fields=["is_move_sent", "state"])
        status = await client.get(
            f"/api/v1/invoices/{invoice_id}", headers=scopes_header("accounts.read")
        )
        twice = await client.post(
            "/api/v1/billing/milestones",
            json={"invoice": str(invoice_id), "milestone": "sent"},
            headers=write,
        )
        paid = await client.post(
            "/api/v1/billing/milestones",
            json={"invoice": str(invoice_id), "milestone": "paid"},
            headers=write,
        )

        assert unposted.status_code == 409
        assert unposted.json()["details"]["from"] == "draft"
        assert sent.status_code == 200, sent.text
        assert sent.json()["milestone"] == "sent"
        assert row == {"id": invoice_id, "is_move_sent": True, "state": "posted"}
        assert status.json()["milestone"] == "sent"
        assert twice.status_code == 409
        assert twice.json()["code"] == "billing.illegal_transition"
        assert twice.json()["details"] == {"from": "sent", "to": "sent", "allowed": ["paid"]}
        assert paid.status_code == 200, paid.text
        assert paid.json()["milestone"] == "paid"

    async def test_account_status_sums_what_is_due_and_what_is_overdue(self, client, orm):
        invoice_id = a_draft_invoice(orm)
        orm(
            "account.move",
            "write",
            [invoice_id],
            {"invoice_date_due": "2020-01-01", "invoice_date": "2020-01-01"},
        )
        orm("account.move", "action_post", [invoice_id])
        [move] = orm("account.move", "read", [invoice_id], fields=["partner_id"])
        partner_id = move["partner_id"][0]
        ref = quote(f"urn:healthbridge:odoo:res.partner|{partner_id}", safe="")

        response = await client.get(
            f"/api/v1/accounts/{ref}/status", headers=scopes_header("accounts.read", "phi.read")
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["partner_id"] == partner_id
        assert body["credit_hold"] is True
        assert body["days_overdue"] > 30
        [balance] = body["balances"]
        assert balance["overdue"] >= 100.0
        assert balance["balance_due"] >= balance["overdue"]
        assert body["name"]
