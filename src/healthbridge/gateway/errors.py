"""Exceptions become error answers here, once: which status, which headers, which words.

``install_error_handlers`` maps the error tree onto HTTP; ``CatchAllMiddleware`` turns
anything unexpected into a 500 that carries only the trace id, logs the exception's
type (never its text, which may hold PHI) and does not re-raise, so no server prints a
traceback with request data in it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from healthbridge.connectors.odoo.errors import (
    OdooAccessDenied,
    OdooAuthenticationError,
    OdooError,
    OdooMissingRecord,
    OdooServerError,
    OdooTimeout,
    OdooTransportError,
    OdooValidationError,
)
from healthbridge.core.errors import (
    ConflictError,
    HealthbridgeError,
    InvalidRequestError,
    NotFoundError,
    UnavailableError,
)
from healthbridge.gateway.authorization import AuthenticationRequired, InsufficientScope
from healthbridge.gateway.problems import error_document, send_error, trace_id_of
from healthbridge.resilience.breaker import CircuitOpenError
from healthbridge.security.errors import InvalidToken

log = structlog.get_logger(__name__)

DEFAULT_RETRY_AFTER_SECONDS = 5

_STATUS_BY_ERROR: tuple[tuple[type[HealthbridgeError], int], ...] = (
    (AuthenticationRequired, 401),
    (InvalidToken, 401),
    (InsufficientScope, 403),
    (CircuitOpenError, 503),
    (OdooTransportError, 503),
    (OdooTimeout, 503),
    (OdooMissingRecord, 404),
    (OdooValidationError, 422),
    (OdooAccessDenied, 502),
    (OdooAuthenticationError, 502),
    (OdooServerError, 502),
    (OdooError, 502),
    (NotFoundError, 404),
    (ConflictError, 409),
    (InvalidRequestError, 422),
    (UnavailableError, 503),
)
"""First match wins, so subclasses come before their bases."""


def status_of(error: HealthbridgeError) -> int:
    """The HTTP status that answers ``error``."""
    for kind, status in _STATUS_BY_ERROR:
        if isinstance(error, kind):
            return status
    return 500


def _headers_for(error: HealthbridgeError, status: int) -> dict[str, str]:
    headers: dict[str, str] = {}
    if status == 401:
        headers["WWW-Authenticate"] = _bearer_challenge("invalid_token", error.safe_message)
        if isinstance(error, AuthenticationRequired):
            headers["WWW-Authenticate"] = 'Bearer realm="healthbridge"'
    elif status == 403 and isinstance(error, InsufficientScope):
        required = " ".join(str(s) for s in error.details.get("required", ()))
        headers["WWW-Authenticate"] = (
            f'Bearer realm="healthbridge", error="insufficient_scope", scope="{required}"'
        )
    elif status == 503:
        headers["Retry-After"] = str(_retry_after(error))
    return headers


def _retry_after(error: HealthbridgeError) -> int:
    value = getattr(error, "retry_after", None)
    if value is None:
        value = error.details.get("retry_after", error.details.get("retry_after_seconds"))
    try:
        return max(1, math.ceil(float(str(value))))
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER_SECONDS


def _bearer_challenge(error: str, description: str) -> str:
    safe = description.replace('"', "'")
    return f'Bearer realm="healthbridge", error="{error}", error_description="{safe}"'


def _response(
    request: Request,
    status: int,
    code: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Response:
    body, media_type = error_document(
        request.url.path,
        status,
        code,
        detail,
        trace_id=trace_id_of(request.scope),
        extensions=extensions,
    )
    return Response(body, status_code=status, media_type=media_type, headers=dict(headers or {}))


async def _healthbridge_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HealthbridgeError)
    status = status_of(error)
    if status >= 500 and not isinstance(error, (UnavailableError, CircuitOpenError, OdooError)):
        log.error("gateway_error", code=error.code, error_type=type(error).__name__)
        return _response(request, 500, "gateway.internal", "an internal error occurred")
    extensions: dict[str, Any] = {}
    if not isinstance(error, OdooError) and error.details:
        extensions["details"] = error.details
    return _response(
        request,
        status,
        error.code,
        error.safe_message,
        headers=_headers_for(error, status),
        extensions=extensions,
    )


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    # Location and message only: pydantic's "input" and "ctx" may echo the caller's data.
    errors = [
        {
            "loc": [str(part) for part in item.get("loc", ())],
            "msg": item.get("msg", ""),
            "type": item.get("type", ""),
        }
        for item in error.errors()
    ]
    return _response(
        request,
        422,
        "request.invalid",
        "the request does not match the API's schema: see errors",
        extensions={"errors": errors},
    )


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    detail = error.detail if isinstance(error.detail, str) else "the request cannot be served"
    code = {404: "gateway.not_found", 405: "gateway.method_not_allowed"}.get(
        error.status_code, "gateway.http_error"
    )
    return _response(request, error.status_code, code, detail, headers=error.headers)


def install_error_handlers(app: FastAPI) -> None:
    """Register the translation of every expected error on ``app``."""
    app.add_exception_handler(HealthbridgeError, _healthbridge_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


class CatchAllMiddleware:
    """The last line: an unexpected exception becomes a 500 naming only the trace id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:  # this is the one place that catches all
            log.error(  # noqa: TRY400 - a traceback would print request data (PHI)
                "gateway_unhandled_error",
                error_type=type(error).__name__,
                trace_id=trace_id_of(scope),
            )
            if started:
                raise
            await send_error(
                scope,
                send,
                500,
                "gateway.internal",
                "an internal error occurred; quote the trace id to the operator",
            )
