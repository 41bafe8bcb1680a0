"""A scripted Odoo over real loopback HTTP: it answers each (model, method) with given bytes.

Each instance speaks one protocol the way Odoo does on the wire (odoo-wire-facts.md):
a 19.0 server for JSON-2, a 17.0 server for JSON-RPC, and a 17.0 server whose /jsonrpc
is gone for XML-RPC. Version, login and ``context_get`` answer by themselves; every other
call is answered from the script, so a test states exactly which bytes the client parses.
It records every request, so tests can count attempts and read what the client sent.
"""

from __future__ import annotations

import asyncio
import json
import xmlrpc.client
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

Protocol = Literal["json2", "jsonrpc", "xmlrpc"]

JSON = "application/json; charset=utf-8"
XML = "text/xml; charset=utf-8"
HTML = "text/html; charset=utf-8"

API_KEY = "0123456789abcdef0123456789abcdef01234567"
DATABASE = "hub_ref"
LOGIN = "hub-integration"


@dataclass(frozen=True)
class Reply:
    """One scripted HTTP answer."""

    body: bytes = b""
    status: int = 200
    content_type: str = JSON
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    drop: bool = False
    """Abort the TCP connection instead of answering (a crash, a reset)."""

    @classmethod
    def text(cls, text: str, *, status: int = 200, content_type: str = JSON, **kw: Any) -> Reply:
        return cls(text.encode("utf-8"), status, content_type, **kw)


def json2_error(name: str, message: str, *, status: int) -> Reply:
    """A JSON-2 error body in Odoo 19's key order: name, message, arguments, context, debug."""
    arguments: list[Any] = [message, status] if name.startswith("werkzeug.") else [message]
    body = {
        "name": name,
        "message": message,
        "arguments": arguments,
        "context": {},
        "debug": "Traceback (most recent call last):\n ...",
    }
    headers = (("WWW-Authenticate", "Bearer "),) if status == 401 else ()
    return Reply(json.dumps(body).encode(), status, JSON, headers)


def jsonrpc_error(name: str, message: str, *, code: int = 0, request_id: int = 8) -> Reply:
    """A JSON-RPC error envelope as Odoo 19 sends it (HTTP 200, ``error.code`` 0)."""
    envelope = {
        "jsonrpc": "2.0",
        "id": request_id,
        "error": {
            "code": code,
            "message": "Odoo Server Error",
            "data": {
                "name": name,
                "message": message,
                "arguments": [message],
                "context": {},
                "debug": "...",
            },
        },
    }
    return Reply(json.dumps(envelope).encode())


def jsonrpc_result(value: Any, request_id: int = 1) -> Reply:
    return Reply(json.dumps({"jsonrpc": "2.0", "id": request_id, "result": value}).encode())


def xmlrpc_fault(code: int, text: str) -> Reply:
    """An XML-RPC fault, laid out as Odoo does (one element per line)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    body = (
        '<?xml version="1.0"?>\n<methodResponse>\n<fault>\n<value><struct>\n'
        f"<member><name>faultCode</name><value><int>{code}</int></value></member>\n"
        f"<member><name>faultString</name><value><string>{escaped}</string></value></member>\n"
        "</struct></value>\n</fault>\n</methodResponse>\n"
    )
    return Reply(body.encode(), 200, XML)


def xmlrpc_result(value: Any) -> Reply:
    return Reply(xmlrpc.client.dumps((value,), methodresponse=True).encode(), 200, XML)


def success(protocol: Protocol, value: Any) -> Reply:
    """A successful answer carrying ``value`` the way ``protocol`` sends one."""
    if protocol == "json2":
        return Reply(json.dumps(value).encode())
    return jsonrpc_result(value) if protocol == "jsonrpc" else xmlrpc_result(value)


def traceback_text(last_line: str) -> str:
    """A server traceback ending in ``last_line``, as fault code 1 carries it."""
    return (
        "Traceback (most recent call last):\n"
        '  File "/opt/odoo/odoo/addons/rpc/controllers/xmlrpc.py", line 160, in xmlrpc_2\n'
        "    response = self._xmlrpc(service)\n"
        '  File "/opt/odoo/odoo/service/model.py", line 72, in execute_kw\n'
        "    return call_kw(model, method, args, kwargs)\n"
        f"{last_line}\n"
    )


def html_page(status: int, title: str, text: str) -> Reply:
    """A werkzeug HTML error page."""
    body = (
        "<!doctype html>\n<html lang=en>\n"
        f"<title>{status} {title}</title>\n<h1>{title}</h1>\n<p>{text}</p>\n"
    )
    return Reply(body.encode(), status, HTML)


@dataclass
class Seen:
    """A request the server received."""

    path: str
    headers: dict[str, str]
    body: bytes
    model: str | None = None
    method: str | None = None
    rpc_args: list[Any] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.body)


Script = Callable[[Seen], Reply]

VERSION_19_WEB = '{"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"}'
VERSION_19 = {
    "server_version": "19.0",
    "server_version_info": [19, 0, 0, "final", 0, ""],
    "server_serie": "19.0",
    "protocol_version": 1,
}
VERSION_17 = {
    "server_version": "17.0",
    "server_version_info": [17, 0, 0, "final", 0, ""],
    "server_serie": "17.0",
    "protocol_version": 1,
}
CONTEXT_GET = '{"lang": "en_US", "tz": "Europe/Brussels", "uid": 2}'
NOT_FOUND_PAGE = html_page(
    404,
    "Not Found",
    "The requested URL was not found on the server. If you entered the URL manually "
    "please check your spelling and try again.",
)


class ScriptedOdoo:
    """A loopback HTTP server that plays one Odoo protocol from a script."""

    def __init__(self, protocol: Protocol, *, major: int | None = None) -> None:
        self.protocol = protocol
        self.major = major if major is not None else (19 if protocol == "json2" else 17)
        self.jsonrpc_available = protocol != "xmlrpc"
        self.requests: list[Seen] = []
        self._script: dict[tuple[str, str], list[Reply] | Script] = {}
        self._runner: web.AppRunner | None = None
        self.url = ""

    # -- scripting -------------------------------------------------------------------

    def on(self, model: str, method: str, *replies: Reply) -> None:
        """Answer ``model.method`` with these replies in turn; the last one repeats."""
        self._script[(model, method)] = list(replies)

    def on_call(self, model: str, method: str, script: Script) -> None:
        """Answer ``model.method`` by computing the reply from the request."""
        self._script[(model, method)] = script

    def calls(self, model: str, method: str) -> list[Seen]:
        """The requests that addressed ``model.method``."""
        return [seen for seen in self.requests if (seen.model, seen.method) == (model, method)]

    def object_calls(self) -> list[Seen]:
        """Requests other than version probes and login."""
        skip = {("common", "version"), ("common", "authenticate"), ("web", "version")}
        skip.add(("res.users", "context_get"))
        return [seen for seen in self.requests if (seen.model, seen.method) not in skip]

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/web/version", self._web_version)
        app.router.add_post("/json/2/{model}/{method}", self._json2)
        app.router.add_post("/jsonrpc", self._jsonrpc)
        app.router.add_post("/xmlrpc/2/{service}", self._xmlrpc)
        # Cancel a delayed handler once the client has given up, as a real server would.
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- handlers --------------------------------------------------------------------

    async def _answer(self, request: web.Request, reply: Reply) -> web.StreamResponse:
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.drop:
            assert request.transport is not None
            request.transport.abort()
            return web.Response(status=500)
        content_type, _, charset = reply.content_type.partition("; charset=")
        response = web.Response(
            body=reply.body,
            status=reply.status,
            content_type=content_type,
            charset=charset or None,
            headers=dict(reply.headers),
        )
        response.force_close()  # Odoo answers "Connection: close" to everything
        return response

    def _scripted(self, seen: Seen) -> Reply:
        entry = self._script.get((seen.model or "", seen.method or ""))
        if entry is None:
            return Reply.text("unscripted call", status=599, content_type="text/plain")
        if callable(entry):
            return entry(seen)
        return entry.pop(0) if len(entry) > 1 else entry[0]

    async def _record(self, request: web.Request, model: str | None, method: str | None) -> Seen:
        seen = Seen(request.path, dict(request.headers), await request.read(), model, method)
        self.requests.append(seen)
        return seen

    async def _web_version(self, request: web.Request) -> web.StreamResponse:
        seen = await self._record(request, "web", "version")
        if self.major >= 19:
            return await self._answer(request, self._scripted_or(seen, Reply.text(VERSION_19_WEB)))
        return await self._answer(request, self._scripted_or(seen, NOT_FOUND_PAGE))

    def _scripted_or(self, seen: Seen, default: Reply) -> Reply:
        if (seen.model, seen.method) in self._script:
            return self._scripted(seen)
        return default

    async def _json2(self, request: web.Request) -> web.StreamResponse:
        model, method = request.match_info["model"], request.match_info["method"]
        seen = await self._record(request, model, method)
        if self.major < 19:
            return await self._answer(request, NOT_FOUND_PAGE)
        if request.headers.get("Authorization") != f"bearer {API_KEY}":
            reply = json2_error("werkzeug.exceptions.Unauthorized", "Invalid apikey", status=401)
        elif (model, method) == ("res.users", "context_get"):
            reply = self._scripted_or(seen, Reply.text(CONTEXT_GET))
        else:
            reply = self._scripted(seen)
        return await self._answer(request, reply)

    async def _jsonrpc(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        envelope = json.loads(body)
        params = envelope["params"]
        args = params["args"]
        if params["service"] == "object":
            model, method = args[3], args[4]
        else:
            model, method = params["service"], params["method"]
        seen = Seen(request.path, dict(request.headers), body, model, method, args)
        self.requests.append(seen)
        if not self.jsonrpc_available:
            return await self._answer(request, NOT_FOUND_PAGE)
        if (model, method) == ("common", "version"):
            reply = self._scripted_or(
                seen, jsonrpc_result(VERSION_19 if self.major >= 19 else VERSION_17)
            )
        elif (model, method) == ("common", "authenticate"):
            reply = self._scripted_or(seen, jsonrpc_result(2 if args[2] == API_KEY else False))
        else:
            reply = self._scripted(seen)
        return await self._answer(request, reply)

    async def _xmlrpc(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        args, name = xmlrpc.client.loads(body, use_builtin_types=True)
        service = request.match_info["service"]
        if service == "object":
            model, method = str(args[3]), str(args[4])
        else:
            model, method = service, str(name)
        seen = Seen(request.path, dict(request.headers), body, model, method, list(args))
        self.requests.append(seen)
        if (model, method) == ("common", "version"):
            reply = self._scripted_or(
                seen, xmlrpc_result(VERSION_19 if self.major >= 19 else VERSION_17)
            )
        elif (model, method) == ("common", "authenticate"):
            reply = self._scripted_or(seen, xmlrpc_result(2 if args[2] == API_KEY else False))
        else:
            reply = self._scripted(seen)
        return await self._answer(request, reply)
