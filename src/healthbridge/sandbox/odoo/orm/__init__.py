"""The in-memory ORM behind the Odoo sandbox: models, domains, access rights, webhooks.

The wire layer calls :class:`Database` (``execute_kw`` for XML-RPC and JSON-RPC,
``call_json2`` for JSON-2) and gets a :class:`CallResult`: the JSON-ready value plus the
automation-rule :class:`WebhookPost` s to send after the commit.
"""

from healthbridge.sandbox.odoo.orm.database import Database
from healthbridge.sandbox.odoo.orm.results import CallResult, WebhookPost

__all__ = ["CallResult", "Database", "WebhookPost"]
