"""Odoo 19's JSON-2 API: ``POST /json/2/<model>/<method>`` with a bearer API key.

The body holds named arguments, ``ids`` and ``context``; a success is HTTP 200 with the
raw return value. An error has an HTTP status and, usually, a JSON body naming Odoo's
exception; 415 and the unknown-database 404 come back as HTML pages instead
(odoo-wire-facts.md, section 3).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final
from urllib.parse import quote

from healthbridge.connectors.odoo import codec
from healthbridge.connectors.odoo.classification import classify, from_http_status, undecodable
from healthbridge.connectors.odoo.errors import (
    CallSite,
    OdooAuthenticationError,
    OdooError,
    ProtocolName,
)
from healthbridge.connectors.odoo.transport import HttpResponse, HttpTransport


class Json2Wire:
    """JSON-2 calls for one database and API key."""

    name: Final[ProtocolName] = "json2"

    def __init__(self, transport: HttpTransport, *, database: str, api_key: str) -> None:
        self._transport = transport
        self._headers = MappingProxyType(
            {
                "Authorization": f"bearer {api_key}",
                "X-Odoo-Database": database,
                "Content-Type": "application/json; charset=utf-8",
            }
        )

    async def authenticate(self) -> int:
        """The uid of the key's user, from ``res.users/context_get`` (JSON-2 has no login)."""
        site = CallSite("res.users", "context_get", self.name)
        context = await self.execute("res.users", "context_get", None, {}, None)
        uid = context.get("uid") if isinstance(context, dict) else None
        if not isinstance(uid, int) or isinstance(uid, bool):
            raise OdooAuthenticationError(
                f"Odoo's answer to {site} names no user id: check that the API key "
                "(odoo.api_key) belongs to an active user",
                site=site,
            )
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
        """POST the call and return the decoded 200 body; raise the mapped error otherwise."""
        site = CallSite(model, method, self.name)
        body: dict[str, Any] = {}
        if ids is not None:
            body["ids"] = list(ids)
        if context is not None:
            body["context"] = dict(context)
        body.update(params)
        path = _path(model, method)
        response = await self._transport.post(
            path, codec.encode(body), self._headers, site, timeout_seconds=timeout_seconds
        )
        if response.status == 200:
            try:
                return codec.decode(response.body)
            except ValueError:
                raise undecodable(site, "not JSON") from None
        raise error_from_response(site, response)


@functools.lru_cache(maxsize=1024)
def _path(model: str, method: str) -> str:
    """``/json/2/<model>/<method>``, quoted; cached, as a hub calls few distinct methods."""
    return f"/json/2/{quote(model, safe='.')}/{quote(method, safe='')}"


def error_from_response(site: CallSite, response: HttpResponse) -> OdooError:
    """The error for a JSON-2 answer that is not 200: by the body's ``name``, else the status."""
    if response.is_json:
        try:
            payload = codec.decode(response.body)
        except ValueError:
            payload = None
        if isinstance(payload, dict) and isinstance(payload.get("name"), str):
            message = payload.get("message")
            return classify(
                site,
                payload["name"],
                message if isinstance(message, str) else "",
                http_status=response.status,
            )
    return from_http_status(site, response.status, response.content_type)
