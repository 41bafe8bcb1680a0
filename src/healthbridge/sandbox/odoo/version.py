"""``GET /web/version`` and ``GET /json/version`` (Odoo 19 only): version without credentials.

Wire facts, section 0: both answer 200 JSON ``{"version_info": [...], "version": "19.0"}``
and, unlike the RPC endpoints, set a ``session_id`` cookie. A 17/18 sandbox does not
route them, so a connector's version detection sees the same 404 it would see there.
"""

from __future__ import annotations

import secrets
import time
from email.utils import formatdate

from aiohttp import web

from healthbridge.sandbox.odoo.responses import dump_json, json_response
from healthbridge.sandbox.odoo.state import STATE

SESSION_LIFETIME = 60 * 60 * 24 * 7


async def handle_version(request: web.Request) -> web.Response:
    """The version facts, plus a fresh session cookie as Odoo sets one."""
    info = request.app[STATE].database.version_info()
    body = {"version_info": info["server_version_info"], "version": info["server_version"]}
    return json_response(dump_json(body), success=True, headers={"Set-Cookie": session_cookie()})


def session_cookie() -> str:
    """A werkzeug-formatted ``session_id`` cookie valid for Odoo's session lifetime."""
    expires = formatdate(time.time() + SESSION_LIFETIME, usegmt=True)
    sid = secrets.token_urlsafe(63)
    return f"session_id={sid}; Expires={expires}; Max-Age={SESSION_LIFETIME}; HttpOnly; Path=/"
