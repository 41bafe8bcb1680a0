"""The routes anyone may call without an access token, listed by name in one place.

Everything else requires a verified token; the authorization test enumerates every
route of the app and fails for any route that is neither listed here nor protected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PUBLIC_ROUTES: tuple[str, ...] = (
    "/healthz",
    # Probes of load balancers and orchestrators, which carry no token.
    "/health/live",
    "/health/ready",
    "/oauth/token",
    "/.well-known/jwks.json",
    # Odoo cannot send a bearer token; the receiver checks its own ?token= secret.
    "/hooks/odoo/{integration}",
    # FHIR makes the CapabilityStatement public so clients can discover the server.
    "/fhir/R4/metadata",
)
"""Route templates served without a token."""

DOCUMENT_ROUTES: tuple[str, ...] = ("/openapi.json", "/docs")
"""The API description: public when ``gateway.docs_public`` (it holds no data)."""

METRICS_ROUTE = "/metrics"
"""Public only with ``observability.metrics_public`` (labels name clients and routes)."""

UNAUDITED_ROUTES: frozenset[str] = frozenset(
    (
        "/healthz",
        "/health/live",
        "/health/ready",
        METRICS_ROUTE,
        "/.well-known/jwks.json",
        "/openapi.json",
        "/docs",
    )
)
"""Public probes and documents that would only add noise to the audit trail."""


class PublicRoutes:
    """Answers "is this request path public?" before routing has happened."""

    def __init__(self, templates: Iterable[str]) -> None:
        self.templates = tuple(templates)
        self._exact = frozenset(t for t in self.templates if "{" not in t)
        patterns = [_pattern(t) for t in self.templates if "{" in t]
        self._pattern = re.compile("|".join(patterns)) if patterns else None

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str):
            return False
        if path in self._exact:
            return True
        return self._pattern is not None and self._pattern.fullmatch(path) is not None


def public_routes(*, docs_public: bool, metrics_public: bool = False) -> PublicRoutes:
    """The public routes of this deployment."""
    return PublicRoutes(
        PUBLIC_ROUTES
        + (DOCUMENT_ROUTES if docs_public else ())
        + ((METRICS_ROUTE,) if metrics_public else ())
    )


def _pattern(template: str) -> str:
    parts = re.split(r"(\{[^}]+\})", template)
    return "(?:" + "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + ")"
