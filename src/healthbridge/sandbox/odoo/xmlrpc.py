"""``POST /xmlrpc/2/<service>``: Odoo's XML-RPC endpoint, marshalled by the standard library.

Wire facts, section 1: every answer is HTTP 200 ``text/xml; charset=utf-8``, faults
included. faultCode 1 carries a traceback (unexpected Python errors), 2 a user-error
message, 3 ``Access Denied`` and 4 an access-error message. Like Odoo the marshaller
refuses None (``allow_none=False``), so a method returning None becomes fault 1 after
its transaction committed, and it strips control characters Odoo would not send.
"""

from __future__ import annotations

import xmlrpc.client
from typing import Any

import structlog
from aiohttp import web

from healthbridge.sandbox.odoo.faults import DropConnection
from healthbridge.sandbox.odoo.responses import internal_error_page, xml_response
from healthbridge.sandbox.odoo.rpc import dispatch_rpc
from healthbridge.sandbox.odoo.state import STATE
from healthbridge.sandbox.odoo.wire_errors import as_odoo_error

log = structlog.get_logger(__name__)

# 0 to 31 except tab, newline and carriage return, as Odoo's marshaller strips them.
CONTROL_CHARACTERS = dict.fromkeys(set(range(32)) - {9, 10, 13})
# Odoo writes its own declaration with double quotes; the standard library uses single ones.
STDLIB_DECLARATION = "<?xml version='1.0'?>\n"
ODOO_DECLARATION = '<?xml version="1.0"?>\n'


async def handle_xmlrpc(request: web.Request) -> web.Response:
    """Decode a methodCall, dispatch it, send the webhooks, and answer a methodResponse."""
    state = request.app[STATE]
    service = request.match_info["service"]
    data = await request.read()
    try:
        params, method = xmlrpc.client.loads(data, use_datetime=True)
    except Exception:
        log.info("xmlrpc_request_unreadable", service=service)
        return internal_error_page()
    try:
        outcome = await dispatch_rpc(state, service, str(method), list(params))
        await state.webhooks.send_all(outcome.webhooks)
        return xml_response(marshal_result(outcome.value), success=True)
    except DropConnection:
        raise
    except Exception as exc:
        return xml_response(marshal_fault(exc), success=False)


def marshal_result(value: Any) -> str:
    """A methodResponse for ``value``; raises TypeError for None, as Odoo's marshaller does."""
    try:
        body = xmlrpc.client.dumps((value,), methodresponse=True, allow_none=False)
    except TypeError:
        # The standard library refuses subclasses of list, dict and str (the ORM's rendered
        # rows, Odoo's frozendict and Markup), which Odoo's marshaller sends as their base
        # types. A second TypeError (None, a huge int) is real and propagates as a fault.
        body = xmlrpc.client.dumps((_plain(value),), methodresponse=True, allow_none=False)
    return _odoo_document(body).translate(CONTROL_CHARACTERS)


def _plain(value: Any) -> Any:
    """``value`` with every list, tuple, dict and str subclass turned into its base type."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, str) and type(value) is not str:
        return str(value)
    return value


def marshal_fault(exc: Exception) -> str:
    """A fault methodResponse with the faultCode and faultString Odoo uses for ``exc``."""
    error = as_odoo_error(exc)
    if error is not exc:
        log.warning("xmlrpc_call_raised", error=type(exc).__name__, reason=str(exc)[:200])
    wire = error.wire("xmlrpc")
    fault = xmlrpc.client.Fault(wire.fault_code, wire.fault_string)
    body = xmlrpc.client.dumps(fault, methodresponse=True, allow_none=False)
    return _odoo_document(body).translate(CONTROL_CHARACTERS)


def _odoo_document(body: str) -> str:
    if body.startswith(STDLIB_DECLARATION):
        return ODOO_DECLARATION + body[len(STDLIB_DECLARATION) :]
    return body
