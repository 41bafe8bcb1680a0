"""Odoo's XML-RPC API (``/xmlrpc/2/common`` and ``/xmlrpc/2/object``), over aiohttp.

Marshalling is the stdlib's ``xmlrpc.client.dumps``/``loads``; the blocking
``ServerProxy`` is never used, so XML-RPC shares the async pool, deadlines and error
mapping of the other protocols. Every answer is HTTP 200; a fault carries a code (1 a
traceback, 2 a user error, 3 bad credentials, 4 an access error) and a string
(odoo-wire-facts.md, section 1).
"""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final
from xml.parsers.expat import ExpatError

from healthbridge.connectors.odoo.classification import (
    from_fault,
    from_http_status,
    last_traceback_line,
    undecodable,
)
from healthbridge.connectors.odoo.errors import CallSite, OdooAuthenticationError, ProtocolName
from healthbridge.connectors.odoo.transport import HttpTransport
from healthbridge.connectors.odoo.wire import execute_kw_arguments

_HEADERS: Final = MappingProxyType({"Content-Type": "text/xml; charset=utf-8"})

# Odoo cannot marshal a None result: the method ran (and committed), then the answer
# failed. The call succeeded, so it returns None instead of raising.
_NONE_RESULT = "TypeError: cannot marshal None unless allow_none is enabled"


class XmlRpcWire:
    """XML-RPC calls for one database, login and API key (used as the password)."""

    name: Final[ProtocolName] = "xmlrpc"

    def __init__(
        self, transport: HttpTransport, *, database: str, login: str, api_key: str
    ) -> None:
        self._transport = transport
        self._database = database
        self._login = login
        self._api_key = api_key
        self.uid: int | None = None

    async def version(self) -> Any:
        """``common.version``: the server's version, without credentials."""
        return await self.service("common", "version", (), CallSite("common", "version", self.name))

    async def authenticate(self) -> int:
        """``common.authenticate``: the uid, or ``OdooAuthenticationError`` for ``false``."""
        site = CallSite("common", "authenticate", self.name)
        uid = await self.service(
            "common", "authenticate", (self._database, self._login, self._api_key, {}), site
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
            (self._database, self.uid, self._api_key, model, method, args, kwargs),
            site,
            timeout_seconds=timeout_seconds,
        )

    async def service(
        self,
        service: str,
        method: str,
        params: tuple[Any, ...],
        site: CallSite,
        *,
        timeout_seconds: float | None = None,
    ) -> Any:
        """One XML-RPC round trip to ``service.method``; the result, or the mapped error."""
        try:
            body = xmlrpc.client.dumps(params, method, allow_none=True).encode("utf-8")
        except (TypeError, OverflowError) as exc:
            raise TypeError(f"cannot send these arguments over XML-RPC: {exc}") from None
        response = await self._transport.post(
            f"/xmlrpc/2/{service}", body, _HEADERS, site, timeout_seconds=timeout_seconds
        )
        if response.status != 200:
            raise from_http_status(site, response.status, response.content_type)
        try:
            values, _ = xmlrpc.client.loads(response.body, use_builtin_types=True)
        except xmlrpc.client.Fault as fault:
            if last_traceback_line(str(fault.faultString)) == _NONE_RESULT:
                return None
            raise from_fault(site, fault.faultCode, str(fault.faultString)) from None
        except (ExpatError, xmlrpc.client.ResponseError, ValueError, TypeError):
            raise undecodable(site, "not an XML-RPC answer") from None
        return values[0] if values else None
