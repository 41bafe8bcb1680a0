"""A stand-in gateway for route tests: the routers under test, a caller from a header, errors.

The platform's authentication middleware and problem handlers are wired at integration;
here a tiny middleware puts a ``Principal`` with the scopes named in ``X-Test-Scopes`` on
the request, and one handler turns Healthbridge errors into a JSON body with the status
the platform will use, so route tests can assert on both.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse

from healthbridge.core.errors import (
    ConflictError,
    HealthbridgeError,
    InvalidRequestError,
    NotFoundError,
    UnavailableError,
)
from healthbridge.gateway.authorization import AuthenticationRequired, InsufficientScope
from healthbridge.security.principal import Principal

STATUS: tuple[tuple[type[HealthbridgeError], int], ...] = (
    (AuthenticationRequired, 401),
    (InsufficientScope, 403),
    (NotFoundError, 404),
    (InvalidRequestError, 422),
    (ConflictError, 409),
    (UnavailableError, 503),
)


def scopes_header(*scopes: str) -> dict[str, str]:
    """The header the stand-in authentication reads the caller's scopes from."""
    return {"X-Test-Scopes": " ".join(scopes)}


def build_test_app(routers: Iterable[APIRouter]) -> FastAPI:
    """A FastAPI app with ``routers``, a header-driven principal and an error handler."""
    app = FastAPI()
    for router in routers:
        app.include_router(router)

    @app.middleware("http")
    async def authenticate(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        scopes = request.headers.get("X-Test-Scopes")
        if scopes is not None:
            request.state.principal = Principal(
                client_id="test-client",
                kind="client",
                scopes=frozenset(scopes.split()),
                environment="test",
            )
        return await call_next(request)

    @app.exception_handler(HealthbridgeError)
    async def problem(_request: Request, error: HealthbridgeError) -> JSONResponse:
        status = next((code for kind, code in STATUS if isinstance(error, kind)), 500)
        if error.code.startswith("odoo."):
            status = 502
        return JSONResponse(error.to_dict(), status_code=status)

    return app
