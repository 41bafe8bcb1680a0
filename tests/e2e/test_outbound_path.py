"""An edit in Odoo reaches a partner's webhook receiver as a signed thin notification.

The whole outbound path of a hub, as ``serve`` and the demo run it: the poller records
the change, the relay publishes it to the hub's embedded JetStream, the ``webhooks``
subscription stores one delivery per matching endpoint, and the dispatcher POSTs it.
Every delivery is checked with the ``standardwebhooks`` package.
"""

from __future__ import annotations

import asyncio
import json
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
from healthbridge.sandbox.receiver import ReceivedWebhook, WebhookReceiver
from healthbridge.worker import Worker, open_worker

PARTNER = "res.partner"
UPSERTED = "org.healthbridge.partner.upserted.v1"


def hub_settings(sandbox: RunningSandbox, data_dir: Path) -> Settings:
    return load_settings(
        data_dir=data_dir,
        odoo={
            "url": sandbox.url,
            "database": sandbox.database,
            "login": "hub-integration",
            "api_key": sandbox.api_keys["hub-integration"],
        },
        capture={"models": [PARTNER], "overlap_seconds": 1.0, "poll_interval_seconds": 0.2},
        webhooks={
            "retry_schedule_seconds": [0.2, 0.3, 0.5, 1, 1, 1, 2, 2, 2, 2, 2],
            "poll_interval_seconds": 0.1,
            "api_base_url": "https://hub.example.org",
        },
    )


@pytest.fixture
async def running(
    odoo_sandbox: RunningSandbox, tmp_path: Path
) -> AsyncIterator[tuple[Hub, Worker, OdooClient]]:
    settings = hub_settings(odoo_sandbox, tmp_path / "hub")
    person = settings.model_copy(
        update={
            "odoo": settings.odoo.model_copy(
                update={"login": "admin", "api_key": SecretStr(odoo_sandbox.api_keys["admin"])}
            )
        }
    )
    async with open_hub(settings) as hub, open_worker(hub) as worker, open_odoo(person) as admin:
        await hub.poller.run_once()  # the demo data is history, not news
        await hub.relay.run_until_idle()
        await fanned_out(hub)  # before any endpoint exists, so none is told of it
        yield hub, worker, admin


async def fanned_out(hub: Hub, within: float = 20.0) -> None:
    """Wait until the webhooks subscription has taken every event published so far."""
    async with asyncio.timeout(within):
        while any(c.pending or c.ack_pending for c in await hub.events.consumers("webhooks")):  # noqa: ASYNC110 - NATS offers counts, not a signal
            await asyncio.sleep(0.05)


async def edit_partner(hub: Hub, admin: OdooClient, name: str) -> int:
    # Odoo change versions are keyed to the second: edit in a fresh one.
    await asyncio.sleep(1.01 - time.time() % 1)
    [partner_id] = await admin.create(PARTNER, [{"name": name, "is_company": True}])
    await hub.poller.run_once()
    return int(partner_id)


def verified(delivery: ReceivedWebhook, secret: str) -> dict:
    payload: dict = Webhook(secret).verify(delivery.body, delivery.headers)
    return payload


async def test_an_odoo_edit_arrives_at_the_receiver_signed_and_thin(running) -> None:
    hub, worker, admin = running
    async with WebhookReceiver() as receiver:
        endpoint = await worker.webhooks.registry.add("crm", receiver.url, ["org.healthbridge.*"])
        started = time.monotonic()
        partner_id = await edit_partner(hub, admin, "Lakeside Clinic")

        await receiver.wait_for(1, within=20)
        elapsed = time.monotonic() - started

    [delivery] = receiver.received
    payload = verified(delivery, endpoint.secret)
    assert payload["type"] == UPSERTED
    assert str(partner_id) in payload["data"]["subject"]
    assert payload["data"]["link"].startswith("https://hub.example.org/")
    assert "Lakeside Clinic" not in delivery.body.decode()  # thin: identifiers, no facts
    print(f"odoo edit -> signed webhook in {elapsed:.2f} s")


async def test_a_receiver_outage_ends_in_every_notification_delivered_once(running) -> None:
    hub, worker, admin = running
    async with WebhookReceiver() as receiver:
        endpoint = await worker.webhooks.registry.add("crm", receiver.url, [UPSERTED])
        receiver.fail_with(503)
        for name in ("North Ward Supplies", "South Ward Supplies"):
            await edit_partner(hub, admin, name)

        async def refused() -> None:
            while receiver.requests < 2:  # noqa: ASYNC110 - the receiver counts, it does not signal
                await asyncio.sleep(0.05)

        await asyncio.wait_for(refused(), 20)
        assert receiver.received == []
        receiver.recover()

        ids = await receiver.wait_for(2, within=20)

    assert len(ids) == 2
    for delivery in receiver.received:
        assert verified(delivery, endpoint.secret)["type"] == UPSERTED
    bodies = [json.loads(d.body)["data"]["id"] for d in receiver.received]
    assert len(set(bodies)) == 2
