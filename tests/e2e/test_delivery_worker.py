"""Webhook delivery in a ``healthbridge worker`` process of its own.

The hub's process runs the poller and the relay with fan-out and dispatcher turned off
(``webhooks.fanout_enabled`` / ``dispatcher_enabled``); a real ``healthbridge worker``
process on the same data folder (SQLite store, the hub's embedded NATS server, the
hub's key file) turns the events into deliveries and POSTs them. Every delivery is
checked with the ``standardwebhooks`` package and its attempt names the worker process.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from standardwebhooks import Webhook

from healthbridge.bootstrap import Hub, open_hub, open_odoo
from healthbridge.connectors.odoo import OdooClient
from healthbridge.core import Settings, load_settings
from healthbridge.sandbox.odoo import RunningSandbox
from healthbridge.sandbox.receiver import WebhookReceiver
from healthbridge.worker import Worker, open_worker

PARTNER = "res.partner"
UPSERTED = "org.healthbridge.partner.upserted.v1"
WEBHOOKS = {"poll_interval_seconds": 0.1, "api_base_url": "https://hub.example.org"}


def hub_settings(sandbox: RunningSandbox, data_dir: Path, login: str) -> Settings:
    return load_settings(
        data_dir=data_dir,
        odoo={
            "url": sandbox.url,
            "database": sandbox.database,
            "login": login,
            "api_key": SecretStr(sandbox.api_keys[login]),
        },
        capture={"models": [PARTNER], "overlap_seconds": 1.0},
        webhooks={**WEBHOOKS, "fanout_enabled": False, "dispatcher_enabled": False},
    )


@pytest.fixture
async def hub_without_delivery(
    odoo_sandbox: RunningSandbox, tmp_path: Path
) -> AsyncIterator[tuple[Hub, Worker, OdooClient]]:
    settings = hub_settings(odoo_sandbox, tmp_path / "hub", "hub-integration")
    person = hub_settings(odoo_sandbox, tmp_path / "hub", "admin")
    async with open_hub(settings) as hub, open_worker(hub) as worker, open_odoo(person) as admin:
        assert worker.fanout is None
        assert worker.webhooks.dispatcher is None
        await hub.poller.run_once()  # the demo data is history, not news
        await hub.relay.run_until_idle()
        yield hub, worker, admin


async def start_worker(data_dir: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "HEALTHBRIDGE_DATA_DIR": str(data_dir),
        "HEALTHBRIDGE_WEBHOOKS__POLL_INTERVAL_SECONDS": str(WEBHOOKS["poll_interval_seconds"]),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "healthbridge.cli", "worker",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    async with asyncio.timeout(60):
        while b"delivering" not in (line := await process.stdout.readline()):
            assert line, "the worker exited before it was ready"
    return process


async def test_a_worker_process_delivers_what_the_hub_publishes_and_stops_cleanly(
    hub_without_delivery, tmp_path: Path
) -> None:
    hub, worker, admin = hub_without_delivery
    async with WebhookReceiver() as receiver:
        endpoint = await worker.webhooks.registry.add("crm", receiver.url, [UPSERTED])
        process = await start_worker(tmp_path / "hub")
        try:
            await asyncio.sleep(1.01 - time.time() % 1)  # change versions are keyed to the second
            ids = await admin.create(PARTNER, [{"name": f"Ward {n}"} for n in range(5)])
            await hub.poller.run_once()
            await hub.relay.run_until_idle()

            await receiver.wait_for(5, within=30)
        finally:
            process.send_signal(signal.SIGTERM)
            exit_code = await asyncio.wait_for(process.wait(), 30)

    assert exit_code == 0
    subjects = set()
    for delivery in receiver.received:
        payload = Webhook(endpoint.secret).verify(delivery.body, delivery.headers)
        assert payload["type"] == UPSERTED
        subjects.add(payload["data"]["subject"].rsplit("/", 1)[-1])
    assert subjects == {str(i) for i in ids}
    [latest] = await worker.webhooks.log.list(endpoint_id=endpoint.id, limit=1)
    [attempt] = await worker.webhooks.log.attempts(latest.id)
    assert attempt.worker.endswith(f":{process.pid}")  # sent by the worker, not the hub
    assert latest.state == "delivered"
