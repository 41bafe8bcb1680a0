"""The HTTP edge of the hub (FastAPI): routes per capability, problem+json errors."""

from healthbridge.gateway.app import create_app
from healthbridge.gateway.odoo_hooks import odoo_hooks_router

__all__ = ["create_app", "odoo_hooks_router"]
