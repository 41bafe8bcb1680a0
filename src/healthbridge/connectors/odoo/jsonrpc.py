"""Odoo's JSON-RPC API (``POST /jsonrpc``): the protocol of choice for Odoo 16-18.

Every application answer is HTTP 200; an error sits in the envelope's ``error.data``,
whose ``name`` is Odoo's exception class. ``error.code`` is 200 on 17/18 and 0 on 19
and is ignored, except 100 (session expired) and 404 (no such route). A method that
returns ``None`` gives an envelope without ``result`` (odoo-wire-facts.md, section 2).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any, ClassVar, Final

from healthbridge.connectors.odoo import codec
from healthbridge.connectors.odoo.classification import classify, from_http_status, undecodable
from healthbridge.connectors.odoo.errors import (
    CallSite,
    OdooError,
    ProtocolName,
)
from healthbridge.connectors.odoo.execute_kw import ExecuteKwWire
from healthbridge.connectors.odoo.transport import HttpTransport

_HEADERS: Final = MappingProxyType({"Content-Type": "application/json"})


class JsonRpcWire(ExecuteKwWire):
    """JSON-RPC calls for one database, login and API key (used as the password)."""

    name: ClassVar[ProtocolName] = "jsonrpc"

    def __init__(
        self, transport: HttpTransport, *, database: str, login: str, api_key: str
    ) -> None:
        super().__init__(transport, database=database, login=login, api_key=api_key)
        self._ids = itertools.count(1)

    async def service(
        self,
        service: str,
        method: str,
        args: Sequence[Any],
        site: CallSite,
        *,
        timeout_seconds: float | None = None,
    ) -> Any:
        """One JSON-RPC round trip to ``service.method``; the ``result``, or the mapped error."""
        envelope = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(self._ids),
            "params": {"service": service, "method": method, "args": list(args)},
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
