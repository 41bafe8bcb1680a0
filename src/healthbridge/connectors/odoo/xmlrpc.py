"""Odoo's XML-RPC API (``/xmlrpc/2/common`` and ``/xmlrpc/2/object``), over aiohttp.

Marshalling is the stdlib's ``xmlrpc.client.dumps``/``loads``; the blocking
``ServerProxy`` is never used, so XML-RPC shares the async pool, deadlines and error
mapping of the other protocols. Every answer is HTTP 200; a fault carries a code (1 a
traceback, 2 a user error, 3 bad credentials, 4 an access error) and a string
(odoo-wire-facts.md, section 1).
"""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any, ClassVar, Final
from xml.parsers.expat import ExpatError

from healthbridge.connectors.odoo.classification import (
    from_fault,
    from_http_status,
    last_traceback_line,
    undecodable,
)
from healthbridge.connectors.odoo.errors import CallSite, ProtocolName
from healthbridge.connectors.odoo.execute_kw import ExecuteKwWire

_HEADERS: Final = MappingProxyType({"Content-Type": "text/xml; charset=utf-8"})

# Odoo cannot marshal a None result: the method ran (and committed), then the answer
# failed. The call succeeded, so it returns None instead of raising.
_NONE_RESULT = "TypeError: cannot marshal None unless allow_none is enabled"


class XmlRpcWire(ExecuteKwWire):
    """XML-RPC calls for one database, login and API key (used as the password)."""

    name: ClassVar[ProtocolName] = "xmlrpc"

    async def service(
        self,
        service: str,
        method: str,
        args: Sequence[Any],
        site: CallSite,
        *,
        timeout_seconds: float | None = None,
    ) -> Any:
        """One XML-RPC round trip to ``service.method``; the result, or the mapped error."""
        try:
            body = xmlrpc.client.dumps(tuple(args), method, allow_none=True).encode("utf-8")
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
