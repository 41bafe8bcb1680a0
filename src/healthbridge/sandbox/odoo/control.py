"""The sandbox's own control API under ``/_sandbox/``, for tests and fault drills.

A test in another process (or a benchmark) steers the sandbox over HTTP: inject and
clear faults, read the log of sent webhooks, and reset to a fresh demo database. Every
route needs the ``X-Sandbox-Token`` generated at start, so the control surface is not
open to whatever else reaches the port. No real Odoo has these routes.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from aiohttp import web

from healthbridge.sandbox.odoo.faults import FaultSpecError
from healthbridge.sandbox.odoo.responses import dump_json, json_response
from healthbridge.sandbox.odoo.state import STATE, SandboxState

TOKEN_HEADER = "X-Sandbox-Token"  # noqa: S105 - a header name, not a secret
PREFIX = "/_sandbox/"


def add_control_routes(app: web.Application) -> None:
    """Register the control endpoints on ``app``."""
    app.router.add_get("/_sandbox/info", info)
    app.router.add_get("/_sandbox/faults", list_faults)
    app.router.add_post("/_sandbox/faults", add_fault)
    app.router.add_delete("/_sandbox/faults", clear_faults)
    app.router.add_get("/_sandbox/webhooks", list_webhooks)
    app.router.add_delete("/_sandbox/webhooks", clear_webhooks)
    app.router.add_post("/_sandbox/reset", reset)


def _answer(value: Any, status: int = 200) -> web.Response:
    return json_response(dump_json(value), status=status, success=status < 400)


def _authorised(request: web.Request) -> SandboxState | web.Response:
    state = request.app[STATE]
    given = request.headers.get(TOKEN_HEADER, "")
    if not hmac.compare_digest(given.encode(), state.control_token.encode()):
        return _answer({"error": f"missing or wrong {TOKEN_HEADER} header"}, 401)
    return state


async def info(request: web.Request) -> web.Response:
    """The database name, version and API keys, for a client that only has the URL and token."""
    state = _authorised(request)
    if isinstance(state, web.Response):
        return state
    return _answer(
        {
            "database": state.database.name,
            "server_version": state.options.server_version,
            "api_keys": state.database.api_keys(),
        }
    )


async def list_faults(request: web.Request) -> web.Response:
    """The fault rules still in force."""
    state = _authorised(request)
    if isinstance(state, web.Response):
        return state
    return _answer(state.faults.to_json())


async def add_fault(request: web.Request) -> web.Response:
    """Add one rule from ``{"kind", "model", "delay", "count", "seconds"}``; 201 with the rule."""
    state = _authorised(request)
    if isinstance(state, web.Response):
        return state
    try:
        spec = json.loads(await request.read())
    except ValueError:
        return _answer({"error": "the body must be a JSON object"}, 400)
    if not isinstance(spec, dict):
        return _answer({"error": "the body must be a JSON object"}, 400)
    unknown = set(spec) - {"kind", "model", "delay", "count", "seconds"}
    if unknown:
        return _answer({"error": f"unknown fields: {', '.join(sorted(unknown))}"}, 400)
    try:
        rule = state.faults.add(
            str(spec.get("kind", "")),
            model=str(spec.get("model", "*")),
            delay=float(spec.get("delay") or 0.0),
            count=None if spec.get("count") is None else int(spec["count"]),
            seconds=None if spec.get("seconds") is None else float(spec["seconds"]),
        )
    except FaultSpecError as exc:
        return _answer({"error": exc.safe_message}, 400)
    except (TypeError, ValueError):
        return _answer({"error": "delay, count and seconds must be numbers"}, 400)
    rules = {item["id"]: item for item in state.faults.to_json()}
    return _answer(rules.get(rule.id, {"id": rule.id, "kind": rule.kind}), 201)


async def clear_faults(request: web.Request) -> web.Response:
    """Remove every rule and drop calls that hang."""
    state = _authorised(request)
    if isinstance(state, web.Response):
        return state
    return _answer({"cleared": state.faults.clear()})


async def list_webhooks(request: web.Request) -> web.Response:
    """Every webhook POST attempted (bounded log), oldest first, with its outcome."""
    state = _authorised(request)
    if isinstance(state, web.Response):
        return state
    return _answer([delivery.to_json() for delivery in state.webhooks.log.entries()])


async def clear_webhooks(request: web.Request) -> web.Response:
    """Forget the webhook log."""
    state = _authorised(request)
    if isinstance(state, web.Response):
        return state
    state.webhooks.log.clear()
    return _answer({"cleared": True})


async def reset(request: web.Request) -> web.Response:
    """A fresh demo database with the same API keys; faults and the webhook log cleared."""
    state = _authorised(request)
    if isinstance(state, web.Response):
        return state
    state.reset()
    return _answer({"database": state.database.name, "api_keys": state.database.api_keys()})
