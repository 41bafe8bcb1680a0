"""NATS killed with -9 under load and started again on its store: every change, one event."""

from __future__ import annotations

import asyncio
import time

import pytest

from healthbridge.connectors.odoo import OdooClient
from tests.fault.resilience.checks import Delivery, created_partners_captured, partner_delivery
from tests.fault.resilience.conftest import HubFactory
from tests.fault.resilience.load import create_partners
from tests.fault.resilience.processes import (
    NatsProcess,
    eventually,
    summary,
)

pytestmark = pytest.mark.slow

CHANGES = 600
"""Partners created during the drill (each one change, each one event)."""

NATS_DOWN_SECONDS = 6.0
"""Longer than the hub's publish-ack deadline (2 s) plus a relay round, while changes flow."""
CATCH_UP_BOUND_SECONDS = 25.0
"""How long publishing may take to catch up after NATS is back (measured: ~1 s)."""


class TestNatsRestarted:
    async def test_a_nats_server_killed_mid_load_loses_no_change_and_duplicates_none(
        self,
        odoo_admin: OdooClient,
        hub_factory: HubFactory,
        store_url_of_hub: str,
        nats_process: NatsProcess,
    ) -> None:
        hub = hub_factory()
        hub.start()
        restarted: list[asyncio.Task[None]] = []
        killed_at: list[float] = []

        async def restart_later() -> None:
            await asyncio.sleep(NATS_DOWN_SECONDS)
            await nats_process.start()

        async def kill_nats() -> None:
            nats_process.kill()
            killed_at.append(time.monotonic())
            restarted.append(asyncio.create_task(restart_later()))

        started = time.monotonic()
        created = await create_partners(
            odoo_admin, CHANGES, label="Under NATS restart", midway=kill_nats
        )
        await restarted[0]
        back_at = time.monotonic()
        state: dict[str, object] = {}

        async def caught_up() -> Delivery | None:
            uncaptured = await created_partners_captured(store_url_of_hub, created)
            delivered = await partner_delivery(store_url_of_hub, nats_process.url)
            state.update(
                uncaptured=len(uncaptured),
                changes=delivered.changes,
                events=delivered.messages,
                missing=len(delivered.missing),
                duplicated=len(delivered.duplicated),
            )
            assert not delivered.duplicated, f"events published twice: {delivered.duplicated}"
            return delivered if not uncaptured and delivered.exactly_once else None

        delivered = await eventually(
            caught_up,
            within=CATCH_UP_BOUND_SECONDS,
            every=0.5,
            what=lambda: f"every change published once: {state}\n{hub.stderr_text()[-2000:]}",
        )
        print(
            "\nnats-restart:",
            summary(
                changes_made=len(created),
                nats_down_s=NATS_DOWN_SECONDS,
                partner_changes=delivered.changes,
                partner_events=delivered.messages,
                duplicates=len(delivered.duplicated),
                caught_up_after_restart_s=round(time.monotonic() - back_at, 2),
                drill_s=round(time.monotonic() - started, 1),
            ),
        )
        assert killed_at, "NATS was never killed"
        assert hub.alive, "the hub died with NATS"
