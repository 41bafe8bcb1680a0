"""``POST /json/2/<model>/<method>``: Odoo 19's JSON-2 API (wire facts, section 3).

Checks run in Odoo's order: database selection (unknown ``X-Odoo-Database`` is a 404
HTML page), then the Content-Type (415 HTML), then the bearer key (401 JSON with
``WWW-Authenticate: Bearer ``), then the body (400 JSON), then the call. A success is
the raw JSON value with no envelope; an error is serialize_exception's dict with the
status Odoo gives that exception.
"""

from __future__ import annotations

import json
import re
from typing import Any

import structlog
from aiohttp import web

from healthbridge.sandbox.odoo.exceptions import AccessDenied, WireError
from healthbridge.sandbox.odoo.faults import DropConnection
from healthbridge.sandbox.odoo.responses import (
    NODB_NOT_FOUND_PAGE,
    dump_json,
    error_fields,
    html_response,
    json_response,
    unsupported_media_page,
)
from healthbridge.sandbox.odoo.state import STATE, SandboxState
from healthbridge.sandbox.odoo.wire_errors import as_odoo_error, werkzeug_error

log = structlog.get_logger(__name__)

BEARER = re.compile(r"^bearer\s+(.+)$", re.IGNORECASE)
ROUTE = "/json/2/<__model__>/<__method__>"
NOT_AUTHENTICATED = "User not authenticated, use an API Key with a Bearer Authorization header."
INVALID_KEY = "Invalid apikey"
DID_YOU_MEAN = "Did you mean POST /json/2/<model>/<method>?"


async def handle_json2(request: web.Request) -> web.Response:
    """One JSON-2 call: route, media type, bearer key, body, then the ORM."""
    state = request.app[STATE]
    if not _database_selected(request, state):
        return html_response(404, NODB_NOT_FOUND_PAGE)
    if request.method != "POST":
        return error_response(werkzeug_error(404, DID_YOU_MEAN).wire("json2"))
    if request.content_type != "application/json":
        return unsupported_media_page(ROUTE, "json2", None)
    uid = _authenticated_uid(request, state)
    if isinstance(uid, WireError):
        return error_response(uid, headers={"WWW-Authenticate": "Bearer "})
    body = await _read_body(request)
    if isinstance(body, WireError):
        return error_response(body)
    model, method = request.match_info["model"], request.match_info["method"]
    try:
        await state.faults.before_call(model, uid)
        outcome = state.database.call_json2(uid, model, method, body)
    except DropConnection:
        raise
    except Exception as exc:
        error = as_odoo_error(exc)
        if error is not exc:
            log.warning("json2_call_raised", error=type(exc).__name__, reason=str(exc)[:200])
        return error_response(error.wire("json2"))
    await state.webhooks.send_all(outcome.webhooks)
    return json_response(dump_json(outcome.value), success=True)


async def handle_json2_elsewhere(request: web.Request) -> web.Response:
    """Any other path under /json/2, or no method: JSON-2's catch-all 404."""
    state = request.app[STATE]
    if not _database_selected(request, state):
        return html_response(404, NODB_NOT_FOUND_PAGE)
    return error_response(werkzeug_error(404, DID_YOU_MEAN).wire("json2"))


def error_response(wire: WireError, *, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON-2 error: serialize_exception's dict (19.0 key order) at the error's status."""
    body = dump_json(error_fields(wire, legacy=False))
    return json_response(body, status=wire.http_status, success=False, headers=headers)


def _database_selected(request: web.Request, state: SandboxState) -> bool:
    named = request.headers.get("X-Odoo-Database")
    return named is None or named == state.database.name


def _authenticated_uid(request: web.Request, state: SandboxState) -> int | WireError:
    header = request.headers.get("Authorization")
    match = BEARER.match(header) if header else None
    if match is None:
        return AccessDenied(NOT_AUTHENTICATED).wire("json2")
    uid = state.database.uid_for_api_key(match.group(1))
    if uid is None:
        return AccessDenied(INVALID_KEY).wire("json2")
    return uid


async def _read_body(request: web.Request) -> dict[str, Any] | WireError:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as exc:
        return _bad_request(exc.args[0])
    except ValueError as exc:
        return _bad_request(str(exc))
    # A JSON value that is not an object names no argument: Odoo treats it as an empty body.
    return parsed if isinstance(parsed, dict) else {}


def _bad_request(reason: str) -> WireError:
    return werkzeug_error(400, f"could not parse the body as json: {reason}").wire("json2")
