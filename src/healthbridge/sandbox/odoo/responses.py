"""The bytes and headers every endpoint answers with, as Odoo 19.0 sends them.

Wire facts, section 0: successes carry ``X-Content-Type-Options: nosniff`` and
application errors do not; JSON is ``ensure_ascii=False`` with Python's default
separators; transport errors are werkzeug's small HTML pages. ``Connection: close``
and the ``Server`` header are added for every response by the server's prepare hook.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from http import HTTPStatus
from typing import Any

from aiohttp import web

from healthbridge.sandbox.odoo.exceptions import WireError

JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
SERVER_HEADER = "Werkzeug/2.2.2 Python/3.11.7"

NOSNIFF = {"X-Content-Type-Options": "nosniff"}

NOT_FOUND_TEXT = (
    "The requested URL was not found on the server. If you entered the URL manually "
    "please check your spelling and try again."
)
METHOD_NOT_ALLOWED_TEXT = "The method is not allowed for the requested URL."
INTERNAL_ERROR_TEXT = (
    "The server encountered an internal error and was unable to complete your request. "
    "Either the server is overloaded or there is an error in the application."
)
NODB_NOT_FOUND_PAGE = (
    "<!DOCTYPE html>\n"
    "<title>404 Not Found</title>\n"
    "<h1>Not Found</h1>\n"
    "<p>No database is selected and the requested URL was not found in the server-wide "
    "controllers.</p>\n"
    "<p>Please verify the hostname, <a href=/web/login>login</a> and try again.</p>\n"
    "\n"
    "<!-- Alternatively, use the X-Odoo-Database header. -->\n"
)

# markupsafe's escaping, which werkzeug uses for its error pages.
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})


def json_default(value: object) -> Any:
    """Odoo's json_default: datetimes as 'YYYY-MM-DD HH:MM:SS', dates ISO, bytes decoded."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, set | frozenset):
        return list(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dump_json(value: Any) -> bytes:
    """JSON bytes exactly as Odoo's make_json_response writes them."""
    return json.dumps(value, ensure_ascii=False, default=json_default).encode()


def json_response(
    body: bytes, *, status: int = 200, success: bool, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON answer; only successes say nosniff."""
    merged = {"Content-Type": JSON_TYPE}
    if success:
        merged.update(NOSNIFF)
    if headers:
        merged.update(headers)
    return web.Response(body=body, status=status, headers=merged)


def xml_response(body: str, *, success: bool) -> web.Response:
    """An XML-RPC answer: always HTTP 200, nosniff only when it is not a fault."""
    headers = {"Content-Type": XML_TYPE, **NOSNIFF} if success else {"Content-Type": XML_TYPE}
    return web.Response(body=body.encode(), headers=headers)


def html_response(
    status: int, body: str, *, headers: dict[str, str] | None = None, nosniff: bool = False
) -> web.Response:
    """A text/html answer, as werkzeug sends transport errors."""
    merged = {"Content-Type": HTML_TYPE}
    if nosniff:
        merged.update(NOSNIFF)
    if headers:
        merged.update(headers)
    return web.Response(body=body.encode(), status=status, headers=merged)


def werkzeug_page(status: int, description: str) -> str:
    """werkzeug 2.2's HTML error page for ``status`` with ``description``."""
    name = HTTPStatus(status).phrase
    text = description.translate(_HTML_ESCAPES).replace("\n", "<br>")
    return (
        "<!doctype html>\n"
        "<html lang=en>\n"
        f"<title>{status} {name}</title>\n"
        f"<h1>{name}</h1>\n"
        f"<p>{text}</p>\n"
    )


def not_found_page() -> web.Response:
    """werkzeug's 404 page, for any path Odoo does not route."""
    return html_response(404, werkzeug_page(404, NOT_FOUND_TEXT))


def method_not_allowed_page(allowed: set[str]) -> web.Response:
    """werkzeug's 405 page with its ``Allow`` header."""
    return html_response(
        405,
        werkzeug_page(405, METHOD_NOT_ALLOWED_TEXT),
        headers={"Allow": ", ".join(sorted(allowed))},
    )


def internal_error_page() -> web.Response:
    """werkzeug's 500 page, for a request Odoo could not even start to handle."""
    return html_response(500, werkzeug_page(500, INTERNAL_ERROR_TEXT))


def unsupported_media_page(route: str, route_type: str, accept: str | None) -> web.Response:
    """The 415 Odoo sends when a JSON route gets a non-JSON Content-Type."""
    message = (
        f"Request inferred type is compatible with ['http'] but {route!r} is type={route_type!r}."
    )
    headers = {"Accept": accept} if accept else None
    return html_response(415, werkzeug_page(415, message), headers=headers)


def error_fields(wire: WireError, *, legacy: bool) -> dict[str, Any]:
    """serialize_exception's dict; 17/18 and 19 order the same keys differently."""
    if legacy:
        return {
            "name": wire.name,
            "debug": wire.debug,
            "message": wire.message,
            "arguments": list(wire.arguments),
            "context": {},
        }
    return {
        "name": wire.name,
        "message": wire.message,
        "arguments": list(wire.arguments),
        "context": {},
        "debug": wire.debug,
    }
