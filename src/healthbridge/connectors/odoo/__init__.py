"""The Odoo connector: JSON-2, JSON-RPC and XML-RPC behind one async client and typed errors."""

from healthbridge.connectors.odoo.client import OdooClient
from healthbridge.connectors.odoo.detection import ServerVersion, choose_protocol
from healthbridge.connectors.odoo.errors import (
    CallSite,
    OdooAccessDenied,
    OdooAuthenticationError,
    OdooError,
    OdooMissingRecord,
    OdooServerError,
    OdooTimeout,
    OdooTransportError,
    OdooUnknownField,
    OdooUnknownMethod,
    OdooUnknownModel,
    OdooUserError,
    OdooValidationError,
    ProtocolName,
    is_transient,
)
from healthbridge.connectors.odoo.fields_cache import FieldsCache
from healthbridge.connectors.odoo.hooks import CallHook, CallOutcome, CallReport
from healthbridge.connectors.odoo.retrying import RetryPolicy, may_retry

__all__ = [
    "CallHook",
    "CallOutcome",
    "CallReport",
    "CallSite",
    "FieldsCache",
    "OdooAccessDenied",
    "OdooAuthenticationError",
    "OdooClient",
    "OdooError",
    "OdooMissingRecord",
    "OdooServerError",
    "OdooTimeout",
    "OdooTransportError",
    "OdooUnknownField",
    "OdooUnknownMethod",
    "OdooUnknownModel",
    "OdooUserError",
    "OdooValidationError",
    "ProtocolName",
    "RetryPolicy",
    "ServerVersion",
    "choose_protocol",
    "is_transient",
    "may_retry",
]
