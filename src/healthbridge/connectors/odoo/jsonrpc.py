"""Odoo's JSON-RPC API (``POST /jsonrpc``): the protocol of choice for Odoo 16-18.

Every application answer is HTTP 200; an error sits in the envelope's ``error.data``,
whose ``name`` is Odoo's exception class. ``error.code`` is 200 on 17/18 and 0 on 19
and is ignored, except 100 (session expired) and 404 (no such route). A method that
returns ``None`` gives an envelope without ``result`` (odoo-wire-facts.md, section 2).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final

from healthbridge.connectors.odoo import codec
from healthbridge.connectors.odoo.classification import classify, from_http_status, undecodable
from healthbridge.connectors.odoo.errors import (
    CallSite,
    OdooAuthenticationError,
    OdooError,
    ProtocolName,
)
from healthbridge.connectors.odoo.transport import HttpTransport
from healthbridge.connectors.odoo.wire import execute_kw_arguments

_HEADERS: Final = MappingProxyType({"Content-Type": "application/json"})


class JsonRpcWire:
    """JSON-RPC calls for one database, login and API key (used as the password)."""

    name: Final[ProtocolName] = "jsonrpc"

    def __init__(
        self, transport: HttpTransport, *, database: str, login: str, api_key: str
    ) -> None:
        self._transport = transport
        self._database = database
        self._login = login
        self._api_key = api_key
        self._ids = itertools.count(1)
        self.uid: int | None = None

    async def version(self) -> Any:
        """``common.version``: the server's version, without credentials."""
        return await self.service("common", "version", [], CallSite("common", "version", self.name))

    async def authenticate(self) -> int:
        """``common.authenticate``: the uid, or ``OdooAuthenticationError`` for ``false``."""
        site = CallSite("common", "authenticate", self.name)
        uid = await self.service(
            "common", "authenticate", [self._database, self._login, self._api_key, {}], site
        )
        if not isinstance(uid, int) or isinstance(uid, bool):
            raise OdooAuthenticationError(
                f"Odoo refused the credentials for {site}: check the login (odoo.login), "
                "the API key (odoo.api_key) and the database (odoo.database)",
                site=site,
            )
        self.uid = uid
        return uid

    async def execute(
        self,
        model: str,
        method: str,
        ids: Sequence[int] | None,
        params: Mapping[str, Any],
        context: Mapping[str, Any] | None,
        *,
        timeout_seconds: float | None = None,
    ) -> Any:
        """``object.execute_kw`` as the authenticated user."""
        if self.uid is None:
            raise RuntimeError("authenticate() must run before execute()")
        args, kwargs = execute_kw_arguments(method, ids, params, context)
        site = CallSite(model, method, self.name)
        return await self.service(
            "object",
            "execute_kw",
            [self._database, self.uid, self._api_key, model, method, args, kwargs],
            site,
            timeout_seconds=timeout_seconds,
        )

    async def service(
        self,
        service: str,
        method: str,
        args: list[Any],
        site: CallSite,
        *,
        timeout_seconds: float | None = None,
    ) -> Any:
        """One JSON-RPC round trip to ``service.method``; the ``result``, or the mapped error."""
        envelope = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(self._ids),
            "params": {"service": service, "method": method, "args": args},
        }
        response = await self._transport.post(
            "/jsonrpc", codec.encode(envelope), _HEADERS, site, timeout_seconds=timeout_seconds
        )
        if response.status != 200:
            raise from_http_status(site, response.status, response.content_type)
        try:
            payload = codec.decode(response.body)
        except ValueError:
            raise undecodable(site, "not JSON") from None
        if not isinstance(payload, dict):
            raise undecodable(site, "not a JSON-RPC envelope")
        error = payload.get("error")
        if error is not None:
            raise error_from_envelope(site, error)
        return payload.get("result")


def error_from_envelope(site: CallSite, error: Any) -> OdooError:
    """The error for a JSON-RPC ``error`` object."""
    if not isinstance(error, dict):
        return undecodable(site, "an error that is not an object")
    raw_data = error.get("data")
    data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
    name = data.get("name") if isinstance(data.get("name"), str) else None
    message = data.get("message", error.get("message", ""))
    message = message if isinstance(message, str) else ""
    code = error.get("code")
    if code == 100:
        name = "odoo.http.SessionExpiredException"
    elif code == 404:
        name = "werkzeug.exceptions.NotFound"
    return classify(site, name, message)
