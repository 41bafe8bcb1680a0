"""The HTTP application: the gateway pipeline around the platform and business routes.

It receives already-built services (the composition root and ``open_gateway`` build
them) and owns only their HTTP surface and the lifetime of their background tasks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.telemetry import TelemetryConfig

from healthbridge.core.memory import freeze_startup_objects, release_frozen_objects
from healthbridge.core.settings import Settings
from healthbridge.gateway.direct_routes import DirectRoutes
from healthbridge.gateway.errors import install_error_handlers
from healthbridge.gateway.oauth import oauth_router
from healthbridge.gateway.odoo_hooks import odoo_hooks_router
from healthbridge.gateway.openapi import install_openapi
from healthbridge.gateway.pipeline import install_pipeline
from healthbridge.gateway.public import public_routes
from healthbridge.gateway.runtime import GatewayRuntime
from healthbridge.services.change_capture import ChangeIntake

NO_NATIVE_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}
"""FastAPI's own OpenTelemetry is off: the gateway's middleware makes the request's SERVER
span and its metrics, and a second set of spans would sit between that span and the
Odoo calls and events it parents, at twice the cost per request."""


def create_app(
    capture: ChangeIntake,
    settings: Settings,
    gateway: GatewayRuntime | None = None,
    *,
    routers: Sequence[APIRouter] = (),
) -> FastAPI:
    """The hub's FastAPI app: every route but ``PUBLIC_ROUTES`` needs a verified token.

    ``routers`` are the business, FHIR and health routers; each of their non-public
    routes must declare its scopes with ``Depends(require_scopes(...))``. The lifespan
    starts and stops ``capture``'s queue consumer and ``gateway``'s background tasks
    (audit writer, key refresh), draining the audit queue on a clean stop.

    Without ``gateway`` the app is the capture receiver alone (the webhook route and
    ``/healthz``, both public): it accepts no ``routers``, since nothing would guard them.
    """
    if gateway is None:
        if routers:
            raise ValueError("routers need the gateway runtime: pass open_gateway(...)'s runtime")
        return _capture_only(capture, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await capture.start()
        await gateway.start()
        freeze_startup_objects()
        try:
            yield
        finally:
            release_frozen_objects()
            await gateway.stop()
            await capture.stop()

    app = FastAPI(
        title="Healthbridge",
        version="0.1.0",
        lifespan=lifespan,
        telemetry=NO_NATIVE_TELEMETRY,
        docs_url="/docs",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    app.state.gateway = gateway
    # The API routes first: the router tries routes in order, and they take nearly all
    # the traffic (a token is fetched once per lifetime, probes come every few seconds).
    # No route is shadowed: every router lives under its own prefix (/api, /fhir, ...).
    for router in routers:
        app.include_router(router)
    app.include_router(odoo_hooks_router(capture, settings.capture.webhook_secret))
    app.include_router(oauth_router())
    _add_healthz(app)
    public = public_routes(
        docs_public=settings.gateway.docs_public,
        metrics_public=settings.observability.metrics_public,
    )
    install_error_handlers(app)
    install_openapi(app, public)
    install_pipeline(app, gateway, public)
    # Inside the exception middleware, in front of the route search (see direct_routes).
    app.router.middleware_stack = DirectRoutes(
        app.router.middleware_stack, app.router, lambda: app.routes
    )
    return app


def _capture_only(capture: ChangeIntake, settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await capture.start()
        try:
            yield
        finally:
            await capture.stop()

    app = FastAPI(
        title="Healthbridge", version="0.1.0", lifespan=lifespan, telemetry=NO_NATIVE_TELEMETRY
    )
    app.include_router(odoo_hooks_router(capture, settings.capture.webhook_secret))
    _add_healthz(app)
    return app


def _add_healthz(app: FastAPI) -> None:
    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """Liveness: the process answers HTTP. Public, no authentication."""
        return {"status": "ok"}
