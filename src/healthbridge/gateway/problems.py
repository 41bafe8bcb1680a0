"""Error documents: RFC 9457 problem+json on business routes, OperationOutcome on FHIR.

The choice is by path, once, here: every error the gateway sends - from a middleware
(401, 410, 429, idempotency refusals) or from an exception handler - goes through
``error_document``. Bodies carry the stable error code, a safe message and the trace id,
never an exception's text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from starlette.types import Scope, Send

PROBLEM_JSON = "application/problem+json"
FHIR_JSON = "application/fhir+json"
FHIR_PREFIX = "/fhir/"

_FHIR_ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    409: "conflict",
    410: "deleted",
    412: "conflict",
    413: "too-long",
    415: "not-supported",
    422: "processing",
    429: "throttled",
    502: "transient",
    503: "transient",
    504: "timeout",
}


def is_fhir(path: str) -> bool:
    """Whether ``path`` is on the FHIR facade."""
    return path.startswith(FHIR_PREFIX)


def error_document(
    path: str,
    status: int,
    code: str,
    detail: str,
    *,
    trace_id: str | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> tuple[bytes, str]:
    """The body and media type of an error answer to a request for ``path``."""
    if is_fhir(path):
        issue: dict[str, Any] = {
            "severity": "fatal" if status >= 500 else "error",
            "code": _FHIR_ISSUE_CODES.get(status, "exception" if status >= 500 else "invalid"),
            "details": {
                "coding": [{"system": "urn:healthbridge:error-code", "code": code}],
                "text": detail,
            },
            "diagnostics": f"trace id {trace_id}" if trace_id else detail,
        }
        document: dict[str, Any] = {"resourceType": "OperationOutcome", "issue": [issue]}
        return _dump(document), FHIR_JSON
    problem: dict[str, Any] = {
        "type": "about:blank",
        "title": _title(status),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if trace_id:
        problem["trace_id"] = trace_id
    problem.update(extensions or {})
    return _dump(problem), PROBLEM_JSON


async def send_error(
    scope: Scope,
    send: Send,
    status: int,
    code: str,
    detail: str,
    *,
    headers: Sequence[tuple[bytes, bytes]] = (),
    extensions: Mapping[str, Any] | None = None,
) -> None:
    """Answer the request in ``scope`` with an error document (from a pure ASGI middleware)."""
    body, media_type = error_document(
        scope.get("path", ""),
        status,
        code,
        detail,
        trace_id=trace_id_of(scope),
        extensions=extensions,
    )
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", media_type.encode()),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def trace_id_of(scope: Scope) -> str | None:
    """The trace id the trace-context middleware put on the request, if any."""
    state = scope.get("state")
    return state.get("trace_id") if isinstance(state, dict) else None


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _dump(document: dict[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
