"""The hub killed with SIGKILL under load and started again: once in the log, once in the stream.

Writes in flight at the kill carry Idempotency-Keys; after the restart the client retries
them. A claim the dead process left ``in_progress`` answers 409 until it is stale (60 s),
so a retry that meets it is sent again under a new key with the same ``order_ref``, which
the order service itself deduplicates. Either way Odoo must hold exactly one purchase
order per order.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from healthbridge.connectors.odoo import OdooClient
from tests.fault.resilience.checks import Delivery, created_partners_captured, partner_delivery
from tests.fault.resilience.conftest import HubFactory
from tests.fault.resilience.load import create_partners
from tests.fault.resilience.processes import (
    HubClient,
    NatsProcess,
    eventually,
    register_client,
    summary,
)
from tests.fault.resilience.test_odoo_outage import a_supplier_and_product, order

pytestmark = pytest.mark.slow

CHANGES = 600
ORDERS_IN_FLIGHT = 6
CATCH_UP_BOUND_SECONDS = 40.0


class TestHubKilled:
    async def test_a_hub_killed_mid_load_captures_and_publishes_each_change_once(
        self,
        odoo_admin: OdooClient,
        hub_factory: HubFactory,
        store_url_of_hub: str,
        nats_process: NatsProcess,
    ) -> None:
        supplier, gtin = await a_supplier_and_product(odoo_admin)
        client = HubClient(*await register_client(store_url_of_hub, "orders.write"))
        hub = hub_factory()
        hub.start()
        token = await client.token(hub.url)
        headers = {"Authorization": f"Bearer {token}"}
        refs = [f"KILL-{n}" for n in range(ORDERS_IN_FLIGHT)]
        first_answers: dict[str, int | str] = {}
        killed_at: list[float] = []

        async def place(http: httpx.AsyncClient, ref: str, key: str) -> httpx.Response:
            return await http.post(
                "/api/v1/orders",
                json=order(ref, supplier, gtin),
                headers={**headers, "Idempotency-Key": key},
            )

        async def kill_with_writes_in_flight() -> None:
            async with httpx.AsyncClient(base_url=hub.url, timeout=10) as http:
                writes = [asyncio.create_task(place(http, ref, f"key-{ref}")) for ref in refs]
                await asyncio.sleep(0.25)  # the requests are in the hub, some mid-write
                hub.kill()
                killed_at.append(time.monotonic())
                for ref, write in zip(refs, writes, strict=True):
                    try:
                        first_answers[ref] = (await write).status_code
                    except httpx.HTTPError as exc:
                        first_answers[ref] = type(exc).__name__
            hub.start()  # same store, same NATS, same Odoo

        started = time.monotonic()
        created = await create_partners(
            odoo_admin, CHANGES, label="Under hub kill", midway=kill_with_writes_in_flight
        )
        restarted_in = time.monotonic() - killed_at[0]
        retries: dict[str, tuple[int, ...]] = {}
        token = await client.token(hub.url)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=hub.url, timeout=20) as http:
            for ref in refs:
                again = await place(http, ref, f"key-{ref}")
                statuses: tuple[int, ...] = (again.status_code,)
                if again.status_code == 409:  # the dead process's claim, not stale yet
                    again = await place(http, ref, f"key-{ref}-retry")
                    statuses += (again.status_code,)
                retries[ref] = statuses
                assert again.status_code in (200, 201), again.text

        state: dict[str, object] = {}

        async def caught_up() -> Delivery | None:
            uncaptured = await created_partners_captured(store_url_of_hub, created)
            delivered = await partner_delivery(store_url_of_hub, nats_process.url)
            state.update(
                uncaptured=len(uncaptured),
                changes=delivered.changes,
                events=delivered.messages,
                missing=len(delivered.missing),
            )
            assert not delivered.duplicated, f"events published twice: {delivered.duplicated}"
            return delivered if not uncaptured and delivered.exactly_once else None

        delivered = await eventually(
            caught_up,
            within=CATCH_UP_BOUND_SECONDS,
            every=0.5,
            what=lambda: f"every change published once: {state}\n{hub.stderr_text()[-2000:]}",
        )
        counts = {
            ref: await odoo_admin.search_count("purchase.order", [("origin", "=", ref)])
            for ref in refs
        }
        print(
            "\nhub-sigkill:",
            summary(
                changes_made=len(created),
                partner_changes=delivered.changes,
                partner_events=delivered.messages,
                restart_s=round(restarted_in, 2),
                caught_up_after_kill_s=round(time.monotonic() - killed_at[0], 2),
                writes_at_kill=first_answers,
                retries=retries,
                purchase_orders=counts,
                drill_s=round(time.monotonic() - started, 1),
            ),
        )
        assert hub.starts == 2
        assert counts == dict.fromkeys(refs, 1), counts
