"""The HTTP edge of the hub (FastAPI): the pipeline, identity routes, problem+json errors."""

from healthbridge.gateway.app import create_app
from healthbridge.gateway.audit import report_records
from healthbridge.gateway.authorization import (
    AuthenticationRequired,
    InsufficientScope,
    current_principal,
    require_scopes,
    scope_granted,
)
from healthbridge.gateway.odoo_hooks import odoo_hooks_router
from healthbridge.gateway.public import PUBLIC_ROUTES
from healthbridge.gateway.runtime import GatewayRuntime, build_runtime, open_gateway

__all__ = [
    "PUBLIC_ROUTES",
    "AuthenticationRequired",
    "GatewayRuntime",
    "InsufficientScope",
    "build_runtime",
    "create_app",
    "current_principal",
    "odoo_hooks_router",
    "open_gateway",
    "report_records",
    "require_scopes",
    "scope_granted",
]
