"""Opening a connection: check the settings, detect the server, pick the protocol, log in.

Everything built here belongs to one client: the HTTP pool, the breaker (one per Odoo
instance), the retry policy and the protocol. If any step fails, the pool is closed
before the error propagates, so a failed start leaves no open sockets behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import structlog

from healthbridge.connectors.odoo.detection import (
    JSON2_SINCE,
    ServerVersion,
    choose_protocol,
    detect_version,
)
from healthbridge.connectors.odoo.errors import CallSite, ProtocolName, is_transient
from healthbridge.connectors.odoo.guard import CallGuard
from healthbridge.connectors.odoo.hooks import CallHook
from healthbridge.connectors.odoo.json2 import Json2Wire
from healthbridge.connectors.odoo.jsonrpc import JsonRpcWire
from healthbridge.connectors.odoo.retrying import RetryPolicy
from healthbridge.connectors.odoo.transport import HttpTransport
from healthbridge.connectors.odoo.wire import OdooWire
from healthbridge.connectors.odoo.xmlrpc import XmlRpcWire
from healthbridge.core.clock import Clock
from healthbridge.core.errors import ConfigError
from healthbridge.core.settings import OdooSettings
from healthbridge.resilience.breaker import CircuitBreaker

_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Handshake:
    """The parts of an authenticated connection."""

    transport: HttpTransport
    wire: OdooWire
    version: ServerVersion
    uid: int
    guard: CallGuard
    clock: Clock


async def handshake(settings: OdooSettings, *, hook: CallHook | None, clock: Clock) -> Handshake:
    """Open the pool, detect the version, choose the protocol and authenticate.

    Raises ``ConfigError`` without ``odoo.url`` or ``odoo.api_key``, and the typed Odoo
    errors (``OdooAuthenticationError``, ``OdooTransportError``...) otherwise.
    """
    if settings.url is None:
        raise ConfigError(
            "odoo.url is not set: set it to the Odoo base URL (HEALTHBRIDGE_ODOO__URL)",
            details={"key": "odoo.url"},
        )
    if settings.api_key is None:
        raise ConfigError(
            "odoo.api_key is not set: create an API key for the integration user in Odoo "
            "and set HEALTHBRIDGE_ODOO__API_KEY (or HEALTHBRIDGE_ODOO__API_KEY_FILE)",
            details={"key": "odoo.api_key"},
        )
    key = settings.api_key.get_secret_value()
    # The handshake runs once, at start-up, and includes the TCP connect: it gets at
    # least odoo.connect_timeout_seconds, so a deadline tuned for hot reads does not
    # make start-up fail on a busy host. Calls get odoo.timeout_seconds afterwards.
    transport = HttpTransport(
        settings.url,
        timeout_seconds=max(settings.timeout_seconds, settings.connect_timeout_seconds),
        connect_timeout_seconds=settings.connect_timeout_seconds,
        max_connections=settings.max_connections,
    )
    breaker = CircuitBreaker(
        breaker_name(settings.url),
        failure_threshold=settings.breaker_failure_threshold,
        reset_seconds=settings.breaker_reset_seconds,
        counts_as_failure=is_transient,
        clock=clock,
    )
    guard = CallGuard(breaker, RetryPolicy.from_settings(settings), hook)
    try:
        jsonrpc = JsonRpcWire(
            transport, database=settings.database, login=settings.login, api_key=key
        )
        xmlrpc = XmlRpcWire(
            transport, database=settings.database, login=settings.login, api_key=key
        )
        version = await detect_version(transport, guard, jsonrpc=jsonrpc, xmlrpc=xmlrpc)
        protocol = choose_protocol(version, settings.protocol)
        _check_server_speaks(protocol, version)
        wire: OdooWire
        if protocol == "json2":
            wire = Json2Wire(transport, database=settings.database, api_key=key)
            site = CallSite("res.users", "context_get", protocol)
        else:
            wire = jsonrpc if protocol == "jsonrpc" else xmlrpc
            site = CallSite("common", "authenticate", protocol)
        uid = await guard.run(site, wire.authenticate, retry=True)
        transport.set_deadline(settings.timeout_seconds)
    except BaseException:
        await transport.close()
        raise
    _log.info(
        "odoo_connected",
        server_version=version.version,
        protocol=protocol,
        uid=uid,
        database=settings.database,
    )
    return Handshake(transport, wire, version, uid, guard, clock)


def _check_server_speaks(protocol: ProtocolName, version: ServerVersion) -> None:
    """Refuse a forced JSON-2 on a server too old for it, naming the setting to change."""
    if protocol == "json2" and version.major < JSON2_SINCE:
        raise ConfigError(
            f"odoo.protocol is json2 but the server runs Odoo {version.version}: JSON-2 "
            f"needs Odoo {JSON2_SINCE} or later; set odoo.protocol to auto or jsonrpc",
            details={"key": "odoo.protocol"},
        )


def breaker_name(url: str) -> str:
    """``odoo:host:port``: names the instance without any credentials in the URL."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"odoo:{parts.hostname}:{port}"
