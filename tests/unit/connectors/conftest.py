"""Fixtures for the connector's unit tests: scripted loopback Odoo servers and settings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import SecretStr

from healthbridge.connectors.odoo import CallReport, OdooClient
from healthbridge.core.settings import OdooSettings
from tests.unit.connectors.scripted_odoo import API_KEY, DATABASE, LOGIN, Protocol, ScriptedOdoo


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.seconds, UTC)

    def monotonic(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.seconds += seconds


def fast_settings(url: str, **overrides: Any) -> OdooSettings:
    """Settings that keep retries and timeouts short enough for unit tests."""
    values: dict[str, Any] = {
        "url": url,
        "database": DATABASE,
        "login": LOGIN,
        "api_key": SecretStr(API_KEY),
        "timeout_seconds": 2.0,
        "connect_timeout_seconds": 1.0,
        "retry_attempts": 3,
        "retry_initial_backoff_seconds": 0.001,
        "retry_max_backoff_seconds": 0.005,
        "breaker_failure_threshold": 50,
    }
    values.update(overrides)
    return OdooSettings(**values)


@pytest.fixture
async def scripted_server() -> AsyncIterator[Callable[..., Awaitable[ScriptedOdoo]]]:
    """A factory of started scripted servers, all stopped at the end of the test."""
    servers: list[ScriptedOdoo] = []

    async def start(protocol: Protocol, *, major: int | None = None) -> ScriptedOdoo:
        server = ScriptedOdoo(protocol, major=major)
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()


@pytest.fixture
async def connected(
    scripted_server: Callable[..., Awaitable[ScriptedOdoo]],
) -> AsyncIterator[Callable[..., Awaitable[tuple[ScriptedOdoo, OdooClient]]]]:
    """A factory: a scripted server of one protocol and a client connected to it."""
    clients: list[OdooClient] = []

    async def connect(
        protocol: Protocol,
        *,
        hook: Callable[[CallReport], None] | None = None,
        clock: FakeClock | None = None,
        **overrides: Any,
    ) -> tuple[ScriptedOdoo, OdooClient]:
        server = await scripted_server(protocol)
        settings = fast_settings(server.url, protocol=protocol, **overrides)
        client = await OdooClient.connect(settings, hook=hook, clock=clock)
        clients.append(client)
        return server, client

    yield connect
    for client in clients:
        await client.close()


PROTOCOLS: tuple[Protocol, ...] = ("json2", "jsonrpc", "xmlrpc")
