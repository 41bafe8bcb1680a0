"""The gateway pipeline, in one place and in the order a request meets it.

1. trace context - accept or start a W3C trace; echo ``traceparent``
2. audit         - one hash-chained entry per call, written off the request path
3. catch-all     - an unexpected exception becomes a 500 with only the trace id
4. authentication - bearer token verified in process -> ``request.state.principal``
5. versions      - Deprecation/Sunset/Link headers; 410 after a sunset (installed only
                   when ``gateway.deprecations`` lists a surface: there is nothing to do
                   otherwise, and every step costs each request a call)
6. quota         - per-client budget; 429 with Retry-After and RateLimit headers
7. idempotency   - Idempotency-Key on writes: one execution, replayed answers
8. router        - FastAPI: scope checks (``require_scopes``), validation, the route
                   (a hot route with a fixed path, like the availability read, is found
                   by ``DirectRoutes`` without the router's search and may check its
                   scope and query itself: see ``direct_routes``)

Each step is a small pure ASGI class (no ``BaseHTTPMiddleware``, which costs a task
and a stream copy per request).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI

from healthbridge.gateway.audit import AuditMiddleware
from healthbridge.gateway.authentication import AuthenticationMiddleware
from healthbridge.gateway.errors import CatchAllMiddleware
from healthbridge.gateway.idempotency import IdempotencyMiddleware
from healthbridge.gateway.public import UNAUDITED_ROUTES, PublicRoutes
from healthbridge.gateway.quotas import QuotaMiddleware
from healthbridge.gateway.route_templates import RouteTemplates
from healthbridge.gateway.tracing import TraceContextMiddleware
from healthbridge.gateway.versions import VersionMiddleware

if TYPE_CHECKING:
    from healthbridge.gateway.runtime import GatewayRuntime


def install_pipeline(app: FastAPI, runtime: GatewayRuntime, public: PublicRoutes) -> None:
    """Wrap ``app``'s router in the pipeline above (outermost first)."""
    stack: list[tuple[Any, dict[str, Any]]] = [
        (TraceContextMiddleware, {}),
        (
            AuditMiddleware,
            {
                "trail": runtime.audit,
                "environment": runtime.environment,
                "skip": UNAUDITED_ROUTES,
                "templates": RouteTemplates(lambda: app.routes),
            },
        ),
        (CatchAllMiddleware, {}),
        (
            AuthenticationMiddleware,
            {
                "verifier": runtime.verifier,
                "clients": runtime.enabled_clients,
                "issuer": runtime.settings.issuer,
                "public": public,
            },
        ),
        (VersionMiddleware, {"deprecations": runtime.settings.deprecations}),
        (QuotaMiddleware, {"quotas": runtime.quotas}),
        (IdempotencyMiddleware, {"guard": runtime.idempotency}),
    ]
    if not runtime.settings.deprecations:
        stack = [step for step in stack if step[0] is not VersionMiddleware]
    # Starlette wraps the last-added middleware outermost.
    for middleware, options in reversed(stack):
        app.add_middleware(middleware, **options)
