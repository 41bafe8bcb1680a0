"""The supplier sandbox's HTTP API (aiohttp), its control routes and its process entry point.

Business routes: ``POST /quotes`` (availability and price, holding a reservation),
``DELETE /reservations/{id}`` (release), ``POST /notifications`` (order notification,
acknowledged with an expected delivery date). Control routes under ``/_sandbox/`` need
the ``X-Sandbox-Token`` printed at start: inject faults (reject, error, slow) and read
the state, including how often each reference was called.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from healthbridge.sandbox.serving import listen, serve_until_signalled
from healthbridge.sandbox.supplier.state import FAULT_KINDS, ROUTES, SupplierFault, SupplierState

STATE = web.AppKey("supplier_state", SupplierState)
TOKEN_HEADER = "X-Sandbox-Token"  # noqa: S105 - a header name, not a secret


def _json(value: Any, status: int = 200) -> web.Response:
    return web.json_response(value, status=status)


async def _body(request: web.Request) -> dict[str, Any] | web.Response:
    try:
        body = json.loads(await request.read())
    except ValueError:
        return _json({"error": "the body must be JSON"}, 400)
    if not isinstance(body, dict):
        return _json({"error": "the body must be a JSON object"}, 400)
    return body


async def _fault(state: SupplierState, route: str) -> web.Response | None:
    fault = state.take_fault(route)
    if fault is None:
        return None
    if fault.kind == "slow":
        await asyncio.sleep(fault.delay)
        return None
    if fault.kind == "error":
        return _json({"error": "supplier temporarily unavailable"}, 503)
    return _json({"status": "rejected", "reason": "supplier_declined"}, 409)


async def quotes(request: web.Request) -> web.Response:
    """Availability and price for a reference, sku and quantity; same reference, same quote."""
    state = request.app[STATE]
    body = await _body(request)
    if isinstance(body, web.Response):
        return body
    reference, sku, quantity = body.get("reference"), body.get("sku"), body.get("quantity")
    if not isinstance(reference, str) or not isinstance(sku, str):
        return _json({"error": "reference and sku are required strings"}, 400)
    if not isinstance(quantity, int | float) or quantity <= 0:
        return _json({"error": "quantity must be a positive number"}, 400)
    state.calls["quotes"] += 1
    state.calls[f"quotes:{reference}"] += 1
    faulted = await _fault(state, "quotes")
    if faulted is not None:
        return faulted
    quote = state.quote(reference, sku, float(quantity))
    if not quote["available"]:
        return _json({"status": "rejected", "reason": "not_available", **quote}, 409)
    return _json({"status": "available", **quote}, 200)


async def release(request: web.Request) -> web.Response:
    """Release a reservation; releasing twice is fine, an unknown id is 404."""
    state = request.app[STATE]
    reservation = request.match_info["reservation"]
    state.calls["reservations"] += 1
    state.calls[f"reservations:{reservation}"] += 1
    faulted = await _fault(state, "reservations")
    if faulted is not None:
        return faulted
    if not state.release(reservation):
        return _json({"error": "no such reservation"}, 404)
    return _json({"reservation_id": reservation, "status": "released"})


async def notifications(request: web.Request) -> web.Response:
    """Acknowledge an order notification once per ``reference``, with the expected delivery."""
    state = request.app[STATE]
    body = await _body(request)
    if isinstance(body, web.Response):
        return body
    reference = body.get("reference")
    if not isinstance(reference, str):
        return _json({"error": "reference is a required string"}, 400)
    state.calls["notifications"] += 1
    state.calls[f"notifications:{reference}"] += 1
    faulted = await _fault(state, "notifications")
    if faulted is not None:
        return faulted
    return _json(state.notify(reference, body), 202)


async def health(request: web.Request) -> web.Response:
    """Liveness."""
    del request
    return _json({"status": "ok"})


def _authorised(request: web.Request) -> SupplierState | web.Response:
    state = request.app[STATE]
    given = request.headers.get(TOKEN_HEADER, "")
    if not hmac.compare_digest(given.encode(), state.control_token.encode()):
        return _json({"error": f"missing or wrong {TOKEN_HEADER} header"}, 401)
    return state


async def show_state(request: web.Request) -> web.Response:
    """Quotes, reservations, notifications, call counts and faults."""
    state = _authorised(request)
    if isinstance(state, web.Response):
        return state
    return _json(state.to_json())


async def add_fault(request: web.Request) -> web.Response:
    """Add a rule ``{"kind": "reject"|"error"|"slow", "route", "count", "delay"}``."""
    state = _authorised(request)
    if isinstance(state, web.Response):
        return state
    body = await _body(request)
    if isinstance(body, web.Response):
        return body
    kind, route = body.get("kind"), body.get("route", "*")
    if kind not in FAULT_KINDS or (route != "*" and route not in ROUTES):
        return _json({"error": f"kind is one of {FAULT_KINDS}, route '*' or one of {ROUTES}"}, 400)
    try:
        count = None if body.get("count") is None else int(body["count"])
        delay = float(body.get("delay") or 0.0)
    except (TypeError, ValueError):
        return _json({"error": "count and delay must be numbers"}, 400)
    fault = SupplierFault(kind=str(kind), route=str(route), count=count, delay=delay)
    state.faults.append(fault)
    return _json(fault.to_json(), 201)


async def clear_faults(request: web.Request) -> web.Response:
    """Remove every fault rule."""
    state = _authorised(request)
    if isinstance(state, web.Response):
        return state
    cleared = len(state.faults)
    state.faults.clear()
    return _json({"cleared": cleared})


def create_supplier_app(state: SupplierState | None = None) -> web.Application:
    """The aiohttp application of one supplier sandbox."""
    app = web.Application()
    app[STATE] = state or SupplierState()
    app.router.add_get("/health", health)
    app.router.add_post("/quotes", quotes)
    app.router.add_delete("/reservations/{reservation}", release)
    app.router.add_post("/notifications", notifications)
    app.router.add_get("/_sandbox/state", show_state)
    app.router.add_post("/_sandbox/faults", add_fault)
    app.router.add_delete("/_sandbox/faults", clear_faults)
    return app


@dataclass
class RunningSupplier:
    """A listening supplier sandbox: its URL, state and the runner to stop."""

    url: str
    state: SupplierState
    _runner: web.AppRunner = field(repr=False)

    async def stop(self) -> None:
        """Stop listening and release the port."""
        await self._runner.cleanup()

    def describe(self) -> dict[str, Any]:
        """The JSON line a process prints on start."""
        return {"url": self.url, "control_token": self.state.control_token}


async def start_supplier(
    *, host: str = "127.0.0.1", port: int = 0, state: SupplierState | None = None
) -> RunningSupplier:
    """Listen on ``host:port`` (0 picks a free port) in the running event loop."""
    app = create_supplier_app(state)
    url, runner = await listen(app, host, port)
    return RunningSupplier(url, app[STATE], runner)


async def _serve(args: argparse.Namespace) -> None:
    state = SupplierState()
    if args.control_token:
        state.control_token = args.control_token
    supplier = await start_supplier(host=args.host, port=args.port, state=state)
    await serve_until_signalled(supplier.describe(), supplier.stop)


def main(argv: Sequence[str] | None = None) -> int:
    """Run until SIGTERM/SIGINT; the first stdout line is the JSON description."""
    parser = argparse.ArgumentParser(
        prog="python -m healthbridge.sandbox.supplier",
        description="A supplier API (quotes, reservations, notifications) for tests and demos.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8790, help="0 picks a free port")
    parser.add_argument("--control-token", default=None)
    asyncio.run(_serve(parser.parse_args(argv)))
    return 0
