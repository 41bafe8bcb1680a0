"""Clients of the connector connected to the in-process Odoo sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import SecretStr

from healthbridge.connectors.odoo import CallHook, OdooClient
from healthbridge.core.settings import OdooSettings
from healthbridge.sandbox.odoo import RunningSandbox

Connect = Callable[..., Awaitable[OdooClient]]


class FakeClock:
    """A clock the test moves by hand (for the breaker's reset time)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.seconds, UTC)

    def monotonic(self) -> float:
        return self.seconds


def sandbox_settings(
    sandbox: RunningSandbox, *, login: str = "admin", **overrides: Any
) -> OdooSettings:
    """Settings for ``login`` on ``sandbox``, with retries and breaker sized for tests."""
    values: dict[str, Any] = {
        "url": sandbox.url,
        "database": sandbox.database,
        "login": login,
        "api_key": SecretStr(sandbox.api_keys[login]),
        "timeout_seconds": 5.0,
        "retry_attempts": 3,
        "retry_initial_backoff_seconds": 0.001,
        "retry_max_backoff_seconds": 0.01,
    }
    values.update(overrides)
    return OdooSettings(**values)


@pytest.fixture
async def odoo_connect() -> AsyncIterator[Connect]:
    """``await odoo_connect(sandbox, protocol=..., login=...)``; every client closed after."""
    clients: list[OdooClient] = []

    async def connect(
        sandbox: RunningSandbox,
        *,
        hook: CallHook | None = None,
        clock: FakeClock | None = None,
        **overrides: Any,
    ) -> OdooClient:
        client = await OdooClient.connect(
            sandbox_settings(sandbox, **overrides), hook=hook, clock=clock
        )
        clients.append(client)
        return client

    yield connect
    for client in clients:
        await client.close()
