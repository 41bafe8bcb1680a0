"""Which Odoo is this, and which protocol should the hub speak to it.

Three probes, in order: ``GET /web/version`` (Odoo 19+, no credentials), then
``common.version`` over JSON-RPC, then over XML-RPC. A probe that answers "not here"
(a 404 page, a body that is not a version) moves on to the next; a probe that finds the
server unreachable stops detection, since the next probes would fail the same way.

The choice: JSON-2 from Odoo 19 (the RPC APIs are deprecated there), JSON-RPC before it,
XML-RPC only when JSON-RPC does not answer; the ``odoo.protocol`` setting overrides it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from healthbridge.connectors.odoo import codec
from healthbridge.connectors.odoo.errors import (
    CallSite,
    OdooError,
    OdooTransportError,
    ProtocolName,
    is_transient,
)
from healthbridge.connectors.odoo.guard import CallGuard
from healthbridge.connectors.odoo.jsonrpc import JsonRpcWire
from healthbridge.connectors.odoo.transport import HttpTransport
from healthbridge.connectors.odoo.xmlrpc import XmlRpcWire
from healthbridge.core.settings import OdooProtocolName

JSON2_SINCE = 19
VersionSource = Literal["web", "jsonrpc", "xmlrpc"]


@dataclass(frozen=True, slots=True)
class ServerVersion:
    """The version an Odoo server reports, and which probe learnt it."""

    version: str
    """``server_version``, e.g. ``"19.0"`` or ``"saas~17.4"``."""
    version_info: tuple[Any, ...]
    """``server_version_info``, e.g. ``(19, 0, 0, "final", 0, "")``."""
    source: VersionSource

    @property
    def major(self) -> int:
        """The major version (17 for ``"saas~17.4"``); 0 when it cannot be read."""
        if self.version_info and isinstance(self.version_info[0], int):
            return self.version_info[0]
        found = re.search(r"\d+", self.version)
        return int(found.group()) if found else 0


def choose_protocol(version: ServerVersion, forced: OdooProtocolName = "auto") -> ProtocolName:
    """The protocol to use: the forced one, else JSON-2 from 19, else JSON-RPC or XML-RPC."""
    if forced != "auto":
        return forced
    if version.major >= JSON2_SINCE:
        return "json2"
    return "xmlrpc" if version.source == "xmlrpc" else "jsonrpc"


async def detect_version(
    transport: HttpTransport, guard: CallGuard, *, jsonrpc: JsonRpcWire, xmlrpc: XmlRpcWire
) -> ServerVersion:
    """Ask the server its version, probing ``/web/version``, then JSON-RPC, then XML-RPC."""
    web_site = CallSite("web", "version", "http")
    failures: list[OdooError] = []

    async def web_version() -> ServerVersion | None:
        response = await transport.get("/web/version", web_site)
        if response.status != 200 or not response.is_json:
            return None
        try:
            payload = codec.decode(response.body)
        except ValueError:
            return None
        return _parse(payload, "version", "version_info", "web")

    async def rpc_version(wire: JsonRpcWire | XmlRpcWire) -> ServerVersion | None:
        payload = await wire.version()
        return _parse(payload, "server_version", "server_version_info", wire.name)

    probes = (
        (web_site, web_version),
        (CallSite("common", "version", "jsonrpc"), lambda: rpc_version(jsonrpc)),
        (CallSite("common", "version", "xmlrpc"), lambda: rpc_version(xmlrpc)),
    )
    for site, probe in probes:
        try:
            found = await guard.run(site, probe, retry=True)
        except OdooError as exc:
            if is_transient(exc):
                raise
            failures.append(exc)
            continue
        if found is not None:
            return found
    raise OdooTransportError(
        "the server at odoo.url answered none of /web/version, JSON-RPC or XML-RPC "
        "common.version: check that odoo.url points at an Odoo server",
        site=web_site,
        transient=False,
        extra={"probe_errors": [error.code for error in failures]},
    )


def _parse(payload: Any, version_key: str, info_key: str, source: str) -> ServerVersion | None:
    if not isinstance(payload, dict):
        return None
    version, info = payload.get(version_key), payload.get(info_key)
    if not isinstance(version, str) or not isinstance(info, list | tuple):
        return None
    kind: VersionSource = (
        "web" if source == "web" else "xmlrpc" if source == "xmlrpc" else "jsonrpc"
    )
    return ServerVersion(version=version, version_info=tuple(info), source=kind)
