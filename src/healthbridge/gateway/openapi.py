"""The OpenAPI 3.1 document as the pipeline makes the API behave.

FastAPI describes the routes; this adds what the pipeline adds to every operation: the
bearer security scheme, the ``Idempotency-Key`` header on writes, and the error answers
(problem+json, or OperationOutcome on FHIR paths) that authentication, quotas,
versions, idempotency and validation can send - so a schema-driven client such as
schemathesis finds every status it can receive documented.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from healthbridge.gateway.idempotency import GUARDED_PREFIXES, WRITE_METHODS
from healthbridge.gateway.problems import FHIR_JSON, PROBLEM_JSON, is_fhir
from healthbridge.gateway.public import PublicRoutes

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "trace_id": {"type": "string"},
    },
}
OUTCOME_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["resourceType", "issue"],
    "properties": {
        "resourceType": {"const": "OperationOutcome"},
        "issue": {"type": "array", "minItems": 1, "items": {"type": "object"}},
    },
}
_PROTECTED_ERRORS = {
    "401": "No valid access token",
    "403": "The token lacks a scope this operation needs",
    "404": "Not found",
    "410": "This API version is past its sunset",
    "422": "The request does not match the schema",
    "429": "The client's quota is used up",
    "500": "Internal error (the body names only the trace id)",
    "502": "Odoo answered with an error",
    "503": "A peer is unavailable; see Retry-After",
}
_WRITE_ERRORS = {
    "400": "Idempotency-Key missing or invalid",
    "409": "Conflict, or a request with this Idempotency-Key is still running",
    "413": "The body is too large",
}
IDEMPOTENCY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "description": "A unique key per logical write (e.g. a UUID); repeat it on retries.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
}


def build_openapi(app: FastAPI, public: PublicRoutes) -> dict[str, Any]:
    """The document for ``app``, with the pipeline's behaviour added."""
    document = get_openapi(
        title=app.title,
        version=app.version,
        openapi_version="3.1.0",
        description=app.description,
        routes=app.routes,
    )
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {})["bearer"] = {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An access token from POST /oauth/token (or the configured IdP).",
    }
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas["OperationOutcome"] = OUTCOME_SCHEMA
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if path in public:
                continue
            _protect(path, method.upper(), operation)
    return document


def _protect(path: str, method: str, operation: dict[str, Any]) -> None:
    operation["security"] = [{"bearer": []}]
    errors = dict(_PROTECTED_ERRORS)
    if method in WRITE_METHODS and path.startswith(GUARDED_PREFIXES):
        errors.update(_WRITE_ERRORS)
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("name") == "Idempotency-Key" for p in parameters):
            parameters.append(IDEMPOTENCY_PARAMETER)
    if is_fhir(path):
        content = {FHIR_JSON: {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}}
    else:
        content = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    responses = operation.setdefault("responses", {})
    for status, description in errors.items():
        if status == "422" or status not in responses:
            responses[status] = {"description": description, "content": content}


def install_openapi(app: FastAPI, public: PublicRoutes) -> None:
    """Make ``app.openapi()`` (and /openapi.json) serve ``build_openapi``'s document."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app, public)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
