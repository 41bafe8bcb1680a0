"""Fixtures of the resilience faults: an Odoo sandbox process, nats-server, hub processes.

Every process is started on a free port and killed in teardown, whatever the test did.
The hub runs with short timings (a 1 s poll, a breaker that opens after 3 failures and
probes after 2 s, a 3 s Odoo deadline) so a fault and its recovery fit in seconds.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.settings import OdooSettings
from tests.fault.resilience.processes import HubProcess, NatsProcess
from tests.support.sandbox import SandboxProcess

ODOO_DEADLINE_SECONDS = 3.0
BREAKER_THRESHOLD = 3
BREAKER_RESET_SECONDS = 2.0
POLL_INTERVAL_SECONDS = 1.0
CAPTURED_MODELS = '["res.partner","stock.quant","purchase.order"]'

HubFactory = Callable[..., HubProcess]


def hub_environment(
    folder: Path, sandbox: SandboxProcess, nats_url: str, webhook_secret: str
) -> dict[str, str]:
    """The environment of a hub on ``sandbox`` and ``nats_url``, its state under ``folder``."""
    return {
        "HEALTHBRIDGE_DATA_DIR": str(folder),
        "HEALTHBRIDGE_STORE__URL": f"sqlite+aiosqlite:///{(folder / 'hub.db').as_posix()}",
        "HEALTHBRIDGE_LOG_FORMAT": "json",
        "HEALTHBRIDGE_LOG_LEVEL": "warning",
        "HEALTHBRIDGE_ODOO__URL": sandbox.url,
        "HEALTHBRIDGE_ODOO__DATABASE": sandbox.database,
        "HEALTHBRIDGE_ODOO__LOGIN": "hub-integration",
        "HEALTHBRIDGE_ODOO__API_KEY": sandbox.api_keys["hub-integration"],
        "HEALTHBRIDGE_ODOO__TIMEOUT_SECONDS": str(ODOO_DEADLINE_SECONDS),
        "HEALTHBRIDGE_ODOO__CONNECT_TIMEOUT_SECONDS": "1",
        "HEALTHBRIDGE_ODOO__RETRY_ATTEMPTS": "2",
        "HEALTHBRIDGE_ODOO__BREAKER_FAILURE_THRESHOLD": str(BREAKER_THRESHOLD),
        "HEALTHBRIDGE_ODOO__BREAKER_RESET_SECONDS": str(BREAKER_RESET_SECONDS),
        "HEALTHBRIDGE_CAPTURE__POLL_INTERVAL_SECONDS": str(POLL_INTERVAL_SECONDS),
        "HEALTHBRIDGE_CAPTURE__OVERLAP_SECONDS": "2",
        "HEALTHBRIDGE_CAPTURE__MODELS": CAPTURED_MODELS,
        "HEALTHBRIDGE_CAPTURE__WEBHOOK_SECRET": webhook_secret,
        "HEALTHBRIDGE_EVENTS__URL": nats_url,
        "HEALTHBRIDGE_EVENTS__PUBLISH_ACK_TIMEOUT_SECONDS": "2",
        "HEALTHBRIDGE_EVENTS__CONNECT_TIMEOUT_SECONDS": "5",
    }


@pytest.fixture
async def nats_process(tmp_path: Path) -> AsyncIterator[NatsProcess]:
    """An external nats-server with JetStream on a free port; killed after the test."""
    server = NatsProcess(tmp_path / "nats")
    try:
        await server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def webhook_secret() -> str:
    """The token Odoo's webhooks carry to the hub."""
    return secrets.token_urlsafe(16)


@pytest.fixture
def hub_env(
    tmp_path: Path,
    odoo_sandbox_process: SandboxProcess,
    nats_process: NatsProcess,
    webhook_secret: str,
) -> dict[str, str]:
    """The hub's environment for this test (one data dir: restarts find their state)."""
    folder = tmp_path / "hub"
    folder.mkdir()
    return hub_environment(folder, odoo_sandbox_process, nats_process.url, webhook_secret)


@pytest.fixture
def hub_factory(hub_env: dict[str, str]) -> Iterator[HubFactory]:
    """Make hub processes on ``hub_env`` (plus overrides); every one killed after the test."""
    made: list[HubProcess] = []

    def make(**overrides: str) -> HubProcess:
        hub = HubProcess({**hub_env, **overrides})
        made.append(hub)
        return hub

    try:
        yield make
    finally:
        for hub in made:
            hub.close()


@pytest.fixture
def store_url_of_hub(hub_env: dict[str, str]) -> str:
    """The SQLite store the hub processes share."""
    return hub_env["HEALTHBRIDGE_STORE__URL"]


@pytest.fixture
async def odoo_admin(odoo_sandbox_process: SandboxProcess) -> AsyncIterator[OdooClient]:
    """The sandbox's admin over the external API (the test's hand in Odoo)."""
    sandbox = odoo_sandbox_process
    settings = OdooSettings(
        url=sandbox.url,
        database=sandbox.database,
        login="admin",
        api_key=SecretStr(sandbox.api_keys["admin"]),
        timeout_seconds=5,
        connect_timeout_seconds=1,
        breaker_failure_threshold=1000,
    )
    async with await OdooClient.connect(settings) as client:
        yield client
