"""The CapabilityStatement, built from the same tables the facade serves from, so it is true."""

from __future__ import annotations

from typing import Any

from healthbridge.services.fhir_facade import SERVED
from healthbridge.services.fhir_search import COMMON_PARAMS, SEARCH_PARAMS

FHIR_VERSION = "4.0.1"


def capability_statement(base_url: str, software_version: str) -> dict[str, Any]:
    """What this server implements: read + search-type on five types; SupplyRequest create, read."""
    resources: list[dict[str, Any]] = []
    for resource_type in sorted(SERVED):
        params = {**SEARCH_PARAMS[resource_type], **COMMON_PARAMS}
        resources.append(
            {
                "type": resource_type,
                "interaction": [{"code": "read"}, {"code": "search-type"}],
                "searchParam": [
                    {"name": name, "type": kind} for name, kind in sorted(params.items())
                ],
            }
        )
    resources.append(
        {
            "type": "SupplyRequest",
            "interaction": [{"code": "read"}, {"code": "create"}],
            "versioning": "no-version",
            "documentation": (
                "create becomes a draft purchase order (a purchase request) in Odoo; "
                "read answers with that purchase order as it stands"
            ),
        }
    )
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-24",
        "kind": "instance",
        "software": {"name": "Healthbridge", "version": software_version},
        "implementation": {"description": "Healthbridge FHIR facade over Odoo", "url": base_url},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "description": (
                        "OAuth 2.0 client credentials; SMART system scopes "
                        "(system/Patient.rs, system/SupplyRequest.cr); phi.read for Patient "
                        "data, which is otherwise withheld and labelled REDACTED"
                    )
                },
                "resource": resources,
            }
        ],
    }
