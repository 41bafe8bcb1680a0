"""Gateway fixtures: a runtime on a real store, the full app, and tokens good and bad.

``full_app`` is the app as deployed: the integrator extends ``extra_routers`` with the
real business and FHIR routers so that ``test_every_route_is_protected`` covers them.
Until then a few stand-in routers exercise every kind of route.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from joserfc import jwt

from healthbridge.core.settings import Settings
from healthbridge.gateway.app import create_app
from healthbridge.gateway.runtime import GatewayRuntime, open_gateway
from healthbridge.security.keys import ALGORITHM
from healthbridge.services.change_capture import ChangeIntake
from healthbridge.store.engine import create_store_engine
from healthbridge.store.migrate import upgrade
from healthbridge.testing import MemoryChangeLog
from tests.integration.gateway.processes import registered_store
from tests.integration.gateway.stand_ins import stand_in_routers

ALL_SCOPES = (
    "inventory.read",
    "orders.write",
    "system/Patient.rs",
    "system/SupplyRequest.c",
)


def gateway_settings(store_url: str, tmp_path: Path, **gateway: Any) -> Settings:
    """Settings for a test gateway on ``store_url``."""
    return Settings(
        environment="dev",
        data_dir=tmp_path,
        store={"url": store_url},
        gateway={"quota_default": "1000/minute", **gateway},
    )


@pytest.fixture
def gateway_options() -> dict[str, Any]:
    """Gateway settings a test overrides (by redefining this fixture or via indirect)."""
    return {}


@pytest.fixture
async def gateway_store_url(tmp_path: Path) -> str:
    """The store of the test gateway: SQLite. A module whose behaviour depends on the
    backend redefines it as ``store_url`` to run on SQLite and PostgreSQL."""
    url = f"sqlite+aiosqlite:///{(tmp_path / 'gateway.db').as_posix()}"
    await upgrade(url)
    return url


@pytest.fixture
async def runtime(
    gateway_store_url: str, tmp_path: Path, gateway_options: dict[str, Any]
) -> AsyncIterator[GatewayRuntime]:
    """A started gateway runtime on a migrated store."""
    settings = gateway_settings(gateway_store_url, tmp_path, **gateway_options)
    engine = create_store_engine(gateway_store_url)
    try:
        async with open_gateway(settings, engine) as built:
            await built.start()
            try:
                yield built
            finally:
                await built.stop()
    finally:
        await engine.dispose()


@pytest.fixture
def extra_routers() -> list[APIRouter]:
    """The routers ``full_app`` includes; the integrator adds the real ones here."""
    return stand_in_routers()


@pytest.fixture
def full_app(
    runtime: GatewayRuntime,
    gateway_store_url: str,
    tmp_path: Path,
    gateway_options: dict[str, Any],
    extra_routers: list[APIRouter],
) -> FastAPI:
    """The app with every router passed in, as the hub serves it."""
    settings = gateway_settings(gateway_store_url, tmp_path, **gateway_options)
    capture = ChangeIntake(MemoryChangeLog(), queue_size=10)
    return create_app(capture, settings, runtime, routers=extra_routers)


@pytest.fixture
async def http(full_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on ``full_app`` (in process, through the whole ASGI stack)."""
    transport = httpx.ASGITransport(app=full_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
        yield client


Registered = Callable[..., Awaitable[tuple[str, str]]]


@pytest.fixture
def register(runtime: GatewayRuntime) -> Registered:
    """Registers a client; returns (client_id, secret)."""

    async def add(
        scopes: tuple[str, ...] = ALL_SCOPES,
        environment: str = "dev",
        purpose: str | None = "HOPERAT",
    ) -> tuple[str, str]:
        client, secret = await runtime.clients.add(
            "test integration", scopes=scopes, environment=environment, purpose=purpose
        )
        await runtime.enabled_clients.refresh()
        return client.client_id, secret

    return add


@pytest.fixture
def mint(runtime: GatewayRuntime) -> Callable[..., str]:
    """Signs a token with the gateway's current key; every claim can be overridden."""

    def sign(
        client_id: str = "minted", *, scopes: tuple[str, ...] = ALL_SCOPES, **claims: Any
    ) -> str:
        key = runtime.ring.current()
        assert key is not None
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": runtime.settings.issuer,
            "sub": client_id,
            "aud": runtime.settings.audience,
            "exp": now + 300,
            "iat": now,
            "jti": secrets.token_hex(8),
            "client_id": client_id,
            "scope": " ".join(scopes),
            "env": runtime.environment,
            **claims,
        }
        body = {name: value for name, value in body.items() if value is not None}
        header = {"alg": ALGORITHM, "kid": key.kid, "typ": "at+jwt"}
        return jwt.encode(header, body, key.private, algorithms=[ALGORITHM])

    return sign


@pytest.fixture
async def token(register: Registered, runtime: GatewayRuntime) -> str:
    """An access token of a registered client with every stand-in scope, as the token
    endpoint issues it (issued directly: the endpoint has tests of its own)."""
    client_id, _ = await register()
    client = await runtime.clients.get(client_id)
    assert client is not None
    return runtime.issuer.issue(client, client.scopes).access_token


def bearer(value: str) -> dict[str, str]:
    """The Authorization header for ``value``."""
    return {"Authorization": f"Bearer {value}"}


@pytest.fixture
async def shared_store(tmp_path: Path) -> tuple[str, str, str]:
    """A SQLite store for several gateway processes, with one client: (url, id, secret)."""
    return await registered_store(tmp_path)
