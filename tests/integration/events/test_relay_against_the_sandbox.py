"""An edit in the Odoo sandbox becomes a canonical event a subscriber receives, once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.settings import OdooSettings
from healthbridge.events import EmbeddedServer, open_event_bus
from healthbridge.mappings.events import PARTNER_REF_SYSTEM
from healthbridge.services import ChangePoller
from healthbridge.services.change_events import ChangeRelay
from healthbridge.store import ChangeLog, Watermarks
from healthbridge.store.event_cursors import RelayCursors
from tests.integration.events.helpers import Collector, eventually
from tests.support.nats import events_settings

PARTNER = "res.partner"
UPSERTED = "org.healthbridge.partner.upserted.v1"


async def connect(sandbox, login: str) -> OdooClient:
    return await OdooClient.connect(
        OdooSettings(
            url=sandbox.url,
            database=sandbox.database,
            login=login,
            api_key=SecretStr(sandbox.api_keys[login]),
        )
    )


@pytest.fixture
async def clients(odoo_sandbox) -> AsyncIterator[tuple[OdooClient, OdooClient]]:
    admin = await connect(odoo_sandbox, "admin")
    hub = await connect(odoo_sandbox, "hub-integration")
    try:
        yield admin, hub
    finally:
        await admin.close()
        await hub.close()


async def test_an_odoo_edit_reaches_a_subscriber_as_one_partner_upserted_event(
    clients, store_engine, embedded_nats: EmbeddedServer, tmp_path: Path
):
    admin, hub = clients
    [partner_id] = await admin.create(PARTNER, [{"name": "Northside Clinic", "is_company": True}])
    settings = events_settings(embedded_nats.url)
    poller = ChangePoller(
        hub, ChangeLog(store_engine), Watermarks(store_engine), models=[PARTNER], page_size=50,
        overlap_seconds=2, poll_interval_seconds=0.05, initial_backoff_seconds=0.05,
    )  # fmt: skip
    async with open_event_bus(settings, store_engine, data_dir=tmp_path) as bus:
        collector = Collector()
        await bus.subscribe("crm", [UPSERTED], ["events:partners.read"], collector, start="all")
        relay = ChangeRelay(ChangeLog(store_engine), RelayCursors(store_engine), bus, hub)
        await poller.run_once()
        await relay.run_until_idle()
        # Odoo change versions are keyed to the second: edit in the next one.
        await asyncio.sleep(1.01 - time.time() % 1)
        await admin.write(PARTNER, [partner_id], {"ref": "NSC-001"})

        await poller.run_once()
        await poller.run_once()  # the overlap window reads the same change again
        await relay.run_until_idle()

        stream = bus.topology.stream("partners")
        stored = (await bus.js.stream_info(stream)).state.messages

        async def all_delivered() -> bool:
            return len(collector.received) >= stored

        await eventually(all_delivered)
        mine = [r for r in collector.received if r.event.record.value == str(partner_id)]
        latest = mine[-1]
        assert latest.event.kind == "organization"
        assert latest.event.identifiers[0].system == PARTNER_REF_SYSTEM
        assert latest.event.identifiers[0].value == "NSC-001"
        assert "Northside" not in str(latest.cloudevent)  # names are not carried
        assert len(mine) == 2  # the create and the edit; the re-read overlap added nothing
        ids = [r.id for r in collector.received]
        assert len(ids) == len(set(ids)) == stored
