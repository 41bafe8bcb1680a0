"""An Odoo external-API server that answers like a real Odoo 19.0 (or 17/18) on the wire.

Tests and the demo use it instead of a real Odoo: JSON-2, JSON-RPC and XML-RPC with
Odoo's exact status codes, headers and error shapes (odoo-wire-facts.md), outgoing
automation webhooks sent the way Odoo sends them, and fault injection for resilience
tests. Imported by nothing but the CLI and tests.
"""

from healthbridge.sandbox.odoo.faults import FaultInjector, FaultRule, FaultSpecError
from healthbridge.sandbox.odoo.runner import (
    RunningSandbox,
    SandboxStartError,
    main,
    running_sandbox,
    start_sandbox,
)
from healthbridge.sandbox.odoo.server import create_app
from healthbridge.sandbox.odoo.state import SandboxOptions
from healthbridge.sandbox.odoo.webhook_sender import WebhookDelivery, WebhookLog

__all__ = [
    "FaultInjector",
    "FaultRule",
    "FaultSpecError",
    "RunningSandbox",
    "SandboxOptions",
    "SandboxStartError",
    "WebhookDelivery",
    "WebhookLog",
    "create_app",
    "main",
    "running_sandbox",
    "start_sandbox",
]
