"""The FHIR R4 facade over the Odoo sandbox: resources validated by fhir.resources (R4B)."""

from __future__ import annotations

import httpx
import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.invoice import Invoice
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.supplyrequest import SupplyRequest

from healthbridge.gateway.routes import RouteServices, fhir_router
from healthbridge.store.read_model import InventoryReadModel
from tests.integration.gateway import route_fixtures
from tests.integration.gateway.route_app import build_test_app, scopes_header

# The route fixtures, made visible to this module's tests (the folder conftest is the platform's).
hub_odoo = route_fixtures.hub_odoo
orm = route_fixtures.orm
read_model_engine = route_fixtures.read_model_engine

MODELS = {
    "Organization": Organization,
    "Patient": Patient,
    "Practitioner": Practitioner,
    "Location": Location,
    "Invoice": Invoice,
}
GENDERS = {"male", "female", "other", "unknown"}
ALL_READ = scopes_header("system/*.rs", "phi.read")


@pytest.fixture
async def client(hub_odoo, read_model_engine):
    services = RouteServices.build(hub_odoo, InventoryReadModel(read_model_engine))
    app = build_test_app([fhir_router(services)])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
        yield http


class TestFhirFacade:
    async def test_metadata_declares_exactly_what_is_served_and_validates(self, client):
        response = await client.get("/fhir/R4/metadata")

        assert response.headers["content-type"].startswith("application/fhir+json")
        statement = CapabilityStatement.model_validate(response.json())
        served = {r.type: r for r in statement.rest[0].resource}
        assert set(served) == {*MODELS, "SupplyRequest"}
        assert [i.code for i in served["SupplyRequest"].interaction] == ["read", "create"]
        invoice_params = {p.name for p in served["Invoice"].searchParam}
        assert "name" not in invoice_params

    @pytest.mark.parametrize("resource_type", sorted(MODELS))
    async def test_each_type_searches_pages_and_reads_valid_r4_resources(
        self, client, resource_type
    ):
        first = await client.get(
            f"/fhir/R4/{resource_type}", params={"_count": 2}, headers=ALL_READ
        )

        assert first.status_code == 200, first.text
        bundle = Bundle.model_validate(first.json())
        assert bundle.total is not None
        assert bundle.total > 2
        assert len(bundle.entry) == 2
        links = {link.relation: link.url for link in bundle.link}
        assert "_offset=2" in links["next"]
        for entry in bundle.entry:
            MODELS[resource_type].model_validate(entry.resource.model_dump(mode="json"))
        second = await client.get(links["next"].removeprefix("http://hub"), headers=ALL_READ)
        second_ids = {e["resource"]["id"] for e in second.json()["entry"]}
        assert second_ids.isdisjoint({e.resource.id for e in bundle.entry})
        logical_id = bundle.entry[0].resource.id
        read = await client.get(f"/fhir/R4/{resource_type}/{logical_id}", headers=ALL_READ)
        assert read.status_code == 200
        resource = read.json()
        MODELS[resource_type].model_validate(resource)
        assert resource["meta"]["lastUpdated"]
        if resource_type in ("Patient", "Practitioner") and "gender" in resource:
            assert resource["gender"] in GENDERS

    async def test_search_by_name_and_identifier_finds_the_organization(self, client):
        bundle = (
            await client.get("/fhir/R4/Organization", params={"_count": 1}, headers=ALL_READ)
        ).json()
        organization = bundle["entry"][0]["resource"]
        name = organization["name"]
        odoo_key = next(
            i
            for i in organization["identifier"]
            if i["system"] == "urn:healthbridge:odoo:res.partner"
        )

        by_name = (
            await client.get("/fhir/R4/Organization", params={"name": name[:6]}, headers=ALL_READ)
        ).json()
        by_key = (
            await client.get(
                "/fhir/R4/Organization",
                params={"identifier": f"{odoo_key['system']}|{odoo_key['value']}"},
                headers=ALL_READ,
            )
        ).json()

        assert organization["id"] in {e["resource"]["id"] for e in by_name["entry"]}
        assert [e["resource"]["id"] for e in by_key["entry"]] == [organization["id"]]

    async def test_last_updated_bounds_the_search(self, client):
        future = (
            await client.get(
                "/fhir/R4/Location", params={"_lastUpdated": "gt2999-01-01"}, headers=ALL_READ
            )
        ).json()
        past = (
            await client.get(
                "/fhir/R4/Location", params={"_lastUpdated": "ge2000-01-01"}, headers=ALL_READ
            )
        ).json()

        assert future["total"] == 0
        assert past["total"] > 0

    async def test_an_unsupported_search_parameter_is_refused(self, client):
        response = await client.get("/fhir/R4/Invoice", params={"name": "x"}, headers=ALL_READ)

        assert response.status_code == 422

    async def test_a_patient_without_phi_read_keeps_only_non_phi_elements_and_is_labelled(
        self, client
    ):
        response = await client.get(
            "/fhir/R4/Patient", params={"_count": 1}, headers=scopes_header("system/Patient.s")
        )
        by_name = await client.get(
            "/fhir/R4/Patient", params={"name": "a"}, headers=scopes_header("system/Patient.s")
        )

        patient = response.json()["entry"][0]["resource"]
        Patient.model_validate(patient)
        assert set(patient) <= {"resourceType", "id", "meta", "active", "managingOrganization"}
        assert patient["meta"]["security"][0]["code"] == "REDACTED"
        assert by_name.status_code == 403

    async def test_smart_scopes_guard_read_and_search_separately(self, client):
        search_only = scopes_header("system/Location.s")

        searched = await client.get("/fhir/R4/Location", headers=search_only)
        logical_id = searched.json()["entry"][0]["resource"]["id"]
        read = await client.get(f"/fhir/R4/Location/{logical_id}", headers=search_only)

        assert searched.status_code == 200
        assert read.status_code == 403

    async def test_a_supply_request_becomes_a_draft_purchase_order_once(self, client, orm):
        [supplier] = orm(
            "res.partner", "search_read", [("supplier_rank", ">", 0)], fields=["id"], limit=1
        )
        [product] = orm(
            "product.product",
            "search_read",
            [("barcode", "!=", False)],
            fields=["barcode"],
            limit=1,
        )
        request = {
            "resourceType": "SupplyRequest",
            "identifier": [{"system": "urn:example:ward-requests", "value": "SR-99"}],
            "status": "active",
            "itemCodeableConcept": {
                "coding": [{"system": "https://www.gs1.org/gtin", "code": product["barcode"]}]
            },
            "quantity": {"value": 5},
            "supplier": [{"reference": f"Organization/{supplier['id']}"}],
            "reasonCode": [{"text": "clinical reason that must not reach Odoo"}],
        }
        headers = {
            **scopes_header("system/SupplyRequest.c"),
            "Content-Type": "application/fhir+json",
        }

        created = await client.post("/fhir/R4/SupplyRequest", json=request, headers=headers)
        replay = await client.post("/fhir/R4/SupplyRequest", json=request, headers=headers)

        assert created.status_code == 201, created.text
        resource = created.json()
        SupplyRequest.model_validate(resource)
        location = created.headers["location"]
        assert location == f"http://hub/fhir/R4/SupplyRequest/{resource['id']}"
        read = await client.get(location, headers=scopes_header("system/SupplyRequest.r"))
        refused = await client.get(location, headers=scopes_header("system/SupplyRequest.c"))
        missing = await client.get(
            "/fhir/R4/SupplyRequest/999999", headers=scopes_header("system/SupplyRequest.r")
        )
        assert read.status_code == 200, read.text
        assert read.headers["content-type"].startswith("application/fhir+json")
        assert SupplyRequest.model_validate(read.json()).id == resource["id"]
        assert read.json() == resource
        assert refused.status_code == 403
        assert missing.status_code == 404
        assert replay.status_code == 200
        assert replay.json()["id"] == resource["id"]
        [order] = orm(
            "purchase.order", "read", [int(resource["id"])], fields=["state", "origin", "notes"]
        )
        assert order["state"] == "draft"
        assert order["origin"] == "SR-99"
