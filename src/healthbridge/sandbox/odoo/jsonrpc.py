"""``POST /jsonrpc`` (and ``/web/webclient/version_info``): Odoo's JSON-RPC dispatcher.

Wire facts, section 2: application results and errors are HTTP 200 envelopes with the
request ``id`` echoed verbatim; ``error.code`` is 0 on 19.0 and 200 on 17/18; a None
result omits ``result``. Transport failures are not envelopes: a body that is not
JSON is a plain 400, a JSON value that is not an object is another 400, and a
non-JSON Content-Type is a 415 page naming the accepted types.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiohttp import web

from healthbridge.sandbox.odoo.faults import DropConnection
from healthbridge.sandbox.odoo.responses import (
    dump_json,
    error_fields,
    html_response,
    json_response,
    unsupported_media_page,
)
from healthbridge.sandbox.odoo.rpc import RpcResult, dispatch_rpc
from healthbridge.sandbox.odoo.state import STATE, CallOutcome, SandboxState
from healthbridge.sandbox.odoo.wire_errors import as_odoo_error

log = structlog.get_logger(__name__)

JSON_MIMETYPES = ("application/json", "application/json-rpc")
ACCEPT = ", ".join(JSON_MIMETYPES)

Endpoint = Callable[[SandboxState, dict[str, Any]], Awaitable[CallOutcome]]


def jsonrpc_route(
    route: str, endpoint: Endpoint
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """A handler that speaks Odoo's JSON-RPC envelope around ``endpoint(state, params)``."""

    async def handle(request: web.Request) -> web.Response:
        state = request.app[STATE]
        if request.content_type not in JSON_MIMETYPES:
            route_type = "json" if state.options.legacy else "jsonrpc"
            return unsupported_media_page(route, route_type, ACCEPT)
        raw = await request.read()
        try:
            payload = json.loads(raw)
        except ValueError:
            return html_response(400, "Invalid JSON data", nosniff=True)
        if not isinstance(payload, dict):
            return html_response(400, "Invalid JSON-RPC data", nosniff=True)
        return await answer(state, payload.get("id"), payload.get("params", {}), endpoint)

    return handle


async def answer(
    state: SandboxState, request_id: Any, params: Any, endpoint: Endpoint
) -> web.Response:
    """Run the endpoint, send its webhooks, and wrap the outcome in the envelope."""
    try:
        outcome = await endpoint(state, dict(params))
    except DropConnection:
        raise
    except Exception as exc:
        error = as_odoo_error(exc)
        if error is not exc:
            log.warning("jsonrpc_call_raised", error=type(exc).__name__, reason=str(exc)[:200])
        wire = error.wire("jsonrpc")
        envelope = {
            "jsonrpc": "2.0",
            "id": request_id,
            "error": {
                "code": state.options.error_code,
                "message": "Odoo Server Error",
                "data": error_fields(wire, legacy=state.options.legacy),
            },
        }
        return json_response(dump_json(envelope), success=False)
    await state.webhooks.send_all(outcome.webhooks)
    body: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
    if outcome.value is not None:
        body["result"] = outcome.value
    return json_response(dump_json(body), success=True)


def _rpc_params(service: str, method: str, args: list[Any]) -> tuple[str, str, list[Any]]:
    """The /jsonrpc controller's signature, so missing or extra params fail like Odoo's."""
    return service, method, list(args)


async def rpc_endpoint(state: SandboxState, params: dict[str, Any]) -> CallOutcome:
    """``/jsonrpc``: params are service, method and args."""
    service, method, args = _rpc_params(**params)
    return await dispatch_rpc(state, service, method, args)


async def version_info_endpoint(state: SandboxState, params: dict[str, Any]) -> CallOutcome:
    """``/web/webclient/version_info``: common.version() for clients that detect 17/18."""
    del params
    await state.faults.before_call(None, None)
    return RpcResult(state.database.version_info())


handle_jsonrpc = jsonrpc_route("/jsonrpc", rpc_endpoint)
handle_version_info = jsonrpc_route("/web/webclient/version_info", version_info_endpoint)
