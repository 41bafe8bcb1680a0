"""The aiohttp application of the Odoo sandbox: routes, per-response headers and fault gates.

One function builds the whole server so the runner, the tests and the demo all get the
same wire behaviour. What differs between a 19.0 and a 17/18 sandbox is only which
routes exist and the JSON-RPC error shape; everything else is shared.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web

from healthbridge.sandbox.odoo.control import PREFIX, add_control_routes
from healthbridge.sandbox.odoo.faults import DropConnection, FaultInjector
from healthbridge.sandbox.odoo.json2 import handle_json2, handle_json2_elsewhere
from healthbridge.sandbox.odoo.jsonrpc import handle_jsonrpc, handle_version_info
from healthbridge.sandbox.odoo.orm import Database
from healthbridge.sandbox.odoo.responses import (
    SERVER_HEADER,
    method_not_allowed_page,
    not_found_page,
)
from healthbridge.sandbox.odoo.state import (
    STATE,
    DatabaseFactory,
    SandboxDatabase,
    SandboxOptions,
    SandboxState,
)
from healthbridge.sandbox.odoo.version import handle_version
from healthbridge.sandbox.odoo.webhook_sender import WebhookSender
from healthbridge.sandbox.odoo.xmlrpc import handle_xmlrpc

# Odoo (werkzeug) accepts bodies far above aiohttp's 1 MiB default; bulk creates need it.
MAX_BODY_BYTES = 128 * 1024 * 1024

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def demo_database(options: SandboxOptions, api_keys: Mapping[str, str] | None) -> SandboxDatabase:
    """The sandbox ORM's demo database for ``options``; ``api_keys`` pins keys over a reset."""
    keys = api_keys if api_keys is not None else options.api_keys
    return Database(
        options.database,
        demo=options.demo,
        seed=options.seed,
        api_keys=keys,
        server_version=options.server_version,
    )


def create_app(
    options: SandboxOptions | None = None, *, database_factory: DatabaseFactory | None = None
) -> web.Application:
    """An Odoo external-API server that answers like Odoo ``options.server_version``."""
    options = options or SandboxOptions()
    factory = database_factory or demo_database
    state = SandboxState(
        options=options,
        database_factory=factory,
        database=factory(options, None),
        faults=FaultInjector(),
        webhooks=WebhookSender(options.webhook_log_size, timeout=options.webhook_timeout),
    )
    if options.control_token:
        state.control_token = options.control_token
    app = web.Application(middlewares=[_gate], client_max_size=MAX_BODY_BYTES)
    app[STATE] = state
    if not options.legacy:
        app.router.add_route("*", "/json/2/{model}/{method}", handle_json2)
        app.router.add_route("*", "/json/2", handle_json2_elsewhere)
        app.router.add_route("*", "/json/2/{tail:.*}", handle_json2_elsewhere)
        app.router.add_route("*", "/web/version", handle_version)
        app.router.add_route("*", "/json/version", handle_version)
    app.router.add_post("/jsonrpc", handle_jsonrpc)
    app.router.add_post("/web/webclient/version_info", handle_version_info)
    app.router.add_post("/xmlrpc/2/{service}", handle_xmlrpc)
    add_control_routes(app)
    app.on_response_prepare.append(_odoo_headers)
    app.on_shutdown.append(_drop_hanging_calls)
    app.on_cleanup.append(_close_webhook_client)
    return app


@web.middleware
async def _gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Fault gates and werkzeug's pages for unrouted paths."""
    state = request.app[STATE]
    if state.faults.active and not request.path.startswith(PREFIX) and state.faults.take_down():
        return _drop(request)
    try:
        return await handler(request)
    except DropConnection:
        return _drop(request)
    except web.HTTPMethodNotAllowed as exc:
        return method_not_allowed_page(set(exc.allowed_methods))
    except web.HTTPNotFound:
        return not_found_page()


def _drop(request: web.Request) -> web.StreamResponse:
    """Reset the TCP connection: the client sees a transport error and no response."""
    transport = request.transport
    if transport is not None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            # Linger 0 makes close() send RST, so the client fails at once, not on a timeout.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    # Never written: aiohttp sees the closed transport and gives up quietly.
    return web.Response(status=500)


async def _odoo_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Every response: Odoo's Server header, and Connection: close like the threaded server."""
    response.headers["Server"] = SERVER_HEADER
    if request.app[STATE].options.connection_close:
        # This hook runs after aiohttp chose the Connection header, so set both.
        response.force_close()
        response.headers["Connection"] = "close"


async def _drop_hanging_calls(app: web.Application) -> None:
    """Before aiohttp waits for in-flight handlers, let hung ones go so stop() is quick."""
    app[STATE].faults.clear()


async def _close_webhook_client(app: web.Application) -> None:
    await app[STATE].webhooks.close()
