"""The CapabilityStatement tells the truth: it declares exactly the interactions routed."""

from __future__ import annotations

from fastapi import FastAPI
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from healthbridge.gateway.routes.capability import capability_statement
from healthbridge.gateway.routes.fhir import PREFIX, fhir_router
from healthbridge.services.fhir_facade import FhirFacade
from healthbridge.services.orders import SupplyOrders
from tests.unit.services.business_fakes import BusinessOdoo

_ROUTE_OF = {
    "read": ("GET", "/{type}/{{logical_id}}"),
    "search-type": ("GET", "/{type}"),
    "create": ("POST", "/{type}"),
}


def _routed() -> set[tuple[str, str]]:
    odoo = BusinessOdoo()
    app = FastAPI()
    app.include_router(fhir_router(FhirFacade(odoo, SupplyOrders(odoo))))
    return {
        (method.upper(), path.removeprefix(PREFIX))
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }


def test_every_declared_interaction_has_a_route_and_every_route_is_declared():
    statement = capability_statement("http://hub/fhir/R4", "test")
    declared = {
        (method, path.format(type=resource["type"]))
        for resource in statement["rest"][0]["resource"]
        for interaction in resource["interaction"]
        for method, path in [_ROUTE_OF[interaction["code"]]]
    }

    assert declared | {("GET", "/metadata")} == _routed()


def test_supply_request_is_declared_readable_and_creatable_without_versions():
    statement = CapabilityStatement.model_validate(capability_statement("http://hub", "test"))

    [supply] = [r for r in statement.rest[0].resource if r.type == "SupplyRequest"]

    assert [i.code for i in supply.interaction] == ["read", "create"]
    assert supply.versioning == "no-version"
