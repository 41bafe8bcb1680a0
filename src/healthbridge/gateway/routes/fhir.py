"""The FHIR R4 facade under ``/fhir/R4``: metadata, read and search, SupplyRequest create + read.

SMART system scopes guard each interaction: ``system/<Type>.r`` read, ``.s`` search,
``.c`` create; ``metadata`` is public. Patient elements are PHI: without ``phi.read`` a
Patient keeps only ``id``, ``meta``, ``active`` and ``managingOrganization`` and is labelled
``REDACTED`` in ``meta.security``; searching Patients by ``name`` or ``identifier`` (PHI
criteria) needs ``phi.read``. An Invoice's ``subject`` (the patient) is withheld the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse

from healthbridge.gateway.authorization import InsufficientScope, require_scopes
from healthbridge.gateway.routes.capability import capability_statement
from healthbridge.mappings.fhir.encoding import fhir_json
from healthbridge.security.principal import Principal
from healthbridge.security.projection import PHI_SCOPE, project, visible_classes
from healthbridge.services.fhir_facade import SERVED, FhirFacade

FHIR_JSON = "application/fhir+json"
PREFIX = "/fhir/R4"
REDACTED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "REDACTED",
    "display": "redacted",
}
_PATIENT_KEPT = frozenset({"resourceType", "id", "meta", "active", "managingOrganization"})
_PHI_SEARCH = {"Patient": frozenset({"name", "identifier"})}


class FhirResponse(JSONResponse):
    """JSON with the FHIR media type, encoded by orjson (the same bytes as the stdlib's)."""

    media_type = FHIR_JSON

    def render(self, content: Any) -> bytes:
        return fhir_json(content)


def fhir_router(fhir: FhirFacade, *, software_version: str = "0.1.0") -> APIRouter:
    """Every FHIR route; the caller mounts it at the app root (paths start with /fhir/R4)."""
    router = APIRouter(prefix=PREFIX, tags=["fhir"])

    @router.get("/metadata", response_class=FhirResponse)
    async def metadata(request: Request) -> FhirResponse:
        """The CapabilityStatement (public)."""
        return FhirResponse(capability_statement(_base(request), software_version))

    for resource_type in sorted(SERVED):
        _add_read_and_search(router, fhir, resource_type)

    @router.post("/SupplyRequest", response_class=FhirResponse, status_code=201)
    async def create_supply_request(
        request: Request,
        _principal: Annotated[Principal, Depends(require_scopes("system/SupplyRequest.c"))],
        body: Annotated[dict[str, Any], Body(media_type=FHIR_JSON)],
    ) -> FhirResponse:
        """A draft purchase order in Odoo; 201 with Location, 200 when the identifier repeats.

        ``Location`` names the resource's read URL; versions are not kept, so there is
        no ``_history`` to point at.
        """
        created = await fhir.create_supply_request(body)
        logical_id = created.resource.get("id", "")
        location = f"{_base(request)}/SupplyRequest/{logical_id}"
        return FhirResponse(
            created.resource,
            status_code=201 if created.created else 200,
            headers={"Location": location},
        )

    @router.get(
        "/SupplyRequest/{logical_id}",
        response_class=FhirResponse,
        name="read_SupplyRequest",
        operation_id="read_SupplyRequest",
    )
    async def read_supply_request(
        logical_id: str,
        _principal: Annotated[Principal, Depends(require_scopes("system/SupplyRequest.r"))],
    ) -> FhirResponse:
        """The SupplyRequest a create made, as its purchase order stands in Odoo now."""
        return FhirResponse(await fhir.read_supply_request(logical_id))

    return router


def _add_read_and_search(router: APIRouter, fhir: FhirFacade, resource_type: str) -> None:
    read_scope = require_scopes(f"system/{resource_type}.r")
    search_scope = require_scopes(f"system/{resource_type}.s")

    # Default-value Depends: the scope dependency is a closure local, which a string
    # annotation (postponed evaluation) could not name.
    async def read(
        logical_id: str,
        principal: Principal = Depends(read_scope),  # noqa: B008
    ) -> FhirResponse:
        resource = await fhir.read(resource_type, logical_id)
        return FhirResponse(_projected(resource, principal))

    async def search(
        request: Request,
        principal: Principal = Depends(search_scope),  # noqa: B008
    ) -> FhirResponse:
        params = list(request.query_params.multi_items())
        phi_params = _PHI_SEARCH.get(resource_type, frozenset())
        if PHI_SCOPE not in principal.scopes and any(n in phi_params for n, _ in params):
            raise InsufficientScope(
                f"searching {resource_type} by {', '.join(sorted(phi_params))} needs phi.read",
                details={"required": [PHI_SCOPE], "missing": [PHI_SCOPE]},
            )
        page = await fhir.search(resource_type, params)
        base = _base(request)
        links = [{"relation": "self", "url": _page_url(base, resource_type, params, page.offset)}]
        if page.count and page.offset + page.count < page.total:
            next_offset = page.offset + page.count
            links.append(
                {"relation": "next", "url": _page_url(base, resource_type, params, next_offset)}
            )
        bundle = {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": page.total,
            "link": links,
            "entry": [
                {
                    "fullUrl": f"{base}/{resource_type}/{resource['id']}",
                    "resource": _projected(resource, principal),
                    "search": {"mode": "match"},
                }
                for resource in page.resources
            ],
        }
        if not bundle["entry"]:
            del bundle["entry"]
        return FhirResponse(bundle)

    _route(router, f"/{resource_type}/{{logical_id}}", read, f"read_{resource_type}")
    _route(router, f"/{resource_type}", search, f"search_{resource_type}")


def _route(
    router: APIRouter, path: str, endpoint: Callable[..., Awaitable[FhirResponse]], name: str
) -> None:
    router.add_api_route(
        path, endpoint, methods=["GET"], response_class=FhirResponse, name=name, operation_id=name
    )


def _projected(resource: dict[str, Any], principal: Principal) -> dict[str, Any]:
    visible = visible_classes(principal.scopes)
    if "phi" in visible:
        return resource
    kind = resource.get("resourceType")
    if kind == "Patient":
        classes = {key: "phi" for key in resource if key not in _PATIENT_KEPT}
    elif kind == "Invoice":
        classes = {"subject": "phi"}
    else:
        return resource
    result = project(resource, classes, visible)
    if not result.withheld:
        return result.document
    document = dict(result.document)
    meta = dict(document.get("meta", {}))
    meta["security"] = [*meta.get("security", []), REDACTED]
    document["meta"] = meta
    return document


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + PREFIX


def _page_url(base: str, resource_type: str, params: list[tuple[str, str]], offset: int) -> str:
    kept = [(k, v) for k, v in params if k != "_offset"]
    kept.append(("_offset", str(offset)))
    return f"{base}/{resource_type}?{urlencode(kept)}"
