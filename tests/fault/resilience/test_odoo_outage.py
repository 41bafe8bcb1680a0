"""Odoo down: the circuit opens, writes answer 503 + Retry-After, reads come from the read model.

The issue's drill is "Odoo down for a minute"; ``OUTAGE_SECONDS`` keeps the suite fast
(the same code path runs for any length: the breaker opens after three failures, and
everything after that is refused in microseconds). Set ``HB_FAULT_OUTAGE_SECONDS=60`` to
run the full minute.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import pytest

from healthbridge.connectors.odoo import OdooClient
from tests.fault.resilience.checks import Delivery, change_log, partner_delivery
from tests.fault.resilience.conftest import (
    BREAKER_RESET_SECONDS,
    ODOO_DEADLINE_SECONDS,
    HubFactory,
)
from tests.fault.resilience.processes import (
    HubClient,
    HubProcess,
    NatsProcess,
    eventually,
    register_client,
    summary,
)
from tests.support.sandbox import SandboxProcess

pytestmark = pytest.mark.slow

OUTAGE_SECONDS = float(os.environ.get("HB_FAULT_OUTAGE_SECONDS", "12"))
"""How long Odoo stays down (the issue says a minute; 12 s keeps the suite fast)."""

WRITE_DEADLINE_SECONDS = ODOO_DEADLINE_SECONDS * 2 + 2
"""The longest a write may take to answer while Odoo is down (never a hang)."""

RECOVERY_BOUND_SECONDS = 25.0
"""How long recovery may take after Odoo is back (measured: writes 0.1 s, events ~5 s)."""


async def a_supplier_and_product(odoo: OdooClient) -> tuple[int, str]:
    [supplier] = await odoo.search_read("res.partner", [("supplier_rank", ">", 0)], ["id"], limit=1)
    [quant] = await odoo.search_read(
        "stock.quant",
        [("location_id.usage", "=", "internal"), ("product_id.barcode", "!=", False)],
        ["product_id"],
        limit=1,
    )
    [product] = await odoo.read("product.product", [quant["product_id"][0]], ["barcode"])
    return supplier["id"], product["barcode"]


def order(ref: str, supplier: int, gtin: str) -> dict[str, object]:
    return {
        "order_ref": ref,
        "supplier": f"urn:healthbridge:odoo:res.partner|{supplier}",
        "lines": [{"product": gtin, "quantity": "2", "unit_price": "3.5", "currency": "EUR"}],
    }


@dataclass
class Outage:
    """What the drill did and measured while Odoo was down and when it came back."""

    writes: list[tuple[int, float, str, str | None]] = field(default_factory=list)
    ages: list[float] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    hooks_during: list[int] = field(default_factory=list)
    recovered: httpx.Response | None = None
    replayed: httpx.Response | None = None
    write_recovery_s: float = 0.0
    up_at: float = 0.0

    def report(self) -> str:
        return summary(
            outage_s=OUTAGE_SECONDS,
            writes_refused=len(self.writes),
            statuses=sorted({status for status, *_ in self.writes}),
            codes=sorted({code for _, _, code, _ in self.writes}),
            slowest_write_s=round(max(took for _, took, *_ in self.writes), 3),
            reads_served=len(self.ages),
            read_sources=sorted(self.sources),
            age_first_s=round(self.ages[0], 1),
            age_last_s=round(self.ages[-1], 1),
            webhooks_accepted=len(self.hooks_during),
            write_recovery_s=round(self.write_recovery_s, 2),
        )


async def odoo_outage(
    sandbox: SandboxProcess,
    odoo: OdooClient,
    hub: HubProcess,
    client: HubClient,
    secret: str,
    *,
    hang: bool = False,
) -> Outage:
    """Kill Odoo (or freeze it: ``hang``) for ``OUTAGE_SECONDS`` under traffic, bring it
    back, retry the write."""
    supplier, gtin = await a_supplier_and_product(odoo)
    hub.start()
    token = await client.token(hub.url)
    auth = {"Authorization": f"Bearer {token}"}
    hook = f"{hub.url}/hooks/odoo/odoo?token={secret}"
    outage = Outage()
    async with httpx.AsyncClient(base_url=hub.url, timeout=30, headers=auth) as http:
        first = await http.get("/api/v1/inventory/availability", params={"product": gtin})
        assert first.status_code == 200, first.text

        if hang:
            sandbox.process.send_signal(signal.SIGSTOP)  # accepts connections, never answers
        else:
            sandbox.process.send_signal(signal.SIGKILL)
            sandbox.process.wait(timeout=10)
        down_at = time.monotonic()
        during = order("OUTAGE-DURING", supplier, gtin)
        key = {"Idempotency-Key": "outage-during"}
        while time.monotonic() - down_at < OUTAGE_SECONDS:
            started = time.monotonic()
            answer = await http.post("/api/v1/orders", json=during, headers=key)
            took = time.monotonic() - started
            code = answer.json().get("code", "") if answer.content else ""
            outage.writes.append(
                (answer.status_code, took, code, answer.headers.get("Retry-After"))
            )
            read = await http.get("/api/v1/inventory/availability", params={"product": gtin})
            assert read.status_code == 200, read.text
            outage.ages.append(read.json()["age_seconds"])
            outage.sources.add(read.json()["source"])
            # Odoo's automation rules posted this webhook from a write just before the
            # crash; it reaches the hub while Odoo is down.
            partner_id = len(outage.hooks_during) + 1
            posted = await http.post(
                hook,
                json={
                    "_action": "write",
                    "_model": "res.partner",
                    "_id": partner_id,
                    "id": partner_id,
                    "write_date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                },
            )
            assert posted.status_code < 300, posted.text
            outage.hooks_during.append(partner_id)
            await asyncio.sleep(0.5)

        if hang:
            sandbox.process.send_signal(signal.SIGCONT)
        else:
            sandbox.restart()  # same port, same keys: Odoo is back (with its seed data)
        outage.up_at = time.monotonic()

        async def placed() -> httpx.Response | None:
            answer = await http.post("/api/v1/orders", json=during, headers=key)
            return answer if answer.status_code < 500 else None

        outage.recovered = await eventually(
            placed, within=RECOVERY_BOUND_SECONDS, every=0.25, what="a write succeeds"
        )
        outage.write_recovery_s = time.monotonic() - outage.up_at
        outage.replayed = await http.post("/api/v1/orders", json=during, headers=key)
    return outage


class TestOdooDown:
    async def test_writes_get_503_with_retry_after_reads_age_and_the_write_lands_once_after(
        self,
        odoo_sandbox_process: SandboxProcess,
        odoo_admin: OdooClient,
        hub_factory: HubFactory,
        store_url_of_hub: str,
        webhook_secret: str,
    ) -> None:
        client = HubClient(
            *await register_client(store_url_of_hub, "orders.write", "inventory.read")
        )
        outage = await odoo_outage(
            odoo_sandbox_process, odoo_admin, hub_factory(), client, webhook_secret
        )
        print("\nodoo-down:", outage.report())

        assert {status for status, *_ in outage.writes} == {503}, outage.writes
        assert all(r is not None and int(r) >= 1 for *_, r in outage.writes), outage.writes
        codes = {code for _, _, code, _ in outage.writes}
        assert "resilience.circuit_open" in codes, f"the breaker never opened: {codes}"
        assert max(took for _, took, *_ in outage.writes) < WRITE_DEADLINE_SECONDS
        assert outage.sources == {"read_model"}
        assert outage.ages[-1] > outage.ages[0] + OUTAGE_SECONDS / 2, "the age does not grow"
        assert outage.recovered is not None
        assert outage.replayed is not None
        assert outage.recovered.status_code == 201, outage.recovered.text
        assert outage.replayed.status_code in (200, 201), outage.replayed.text
        assert (
            outage.replayed.json()["purchase_order_id"]
            == (outage.recovered.json()["purchase_order_id"])
        )
        assert outage.write_recovery_s < BREAKER_RESET_SECONDS + ODOO_DEADLINE_SECONDS + 2
        # The sandbox keeps its data in memory: only the order placed after the restart
        # is there, and once, however many times the client retried its key.
        count = await odoo_admin.search_count("purchase.order", [("origin", "=", "OUTAGE-DURING")])
        assert count == 1, f"{count} purchase orders for one order_ref"

    async def test_a_hung_odoo_is_cut_off_by_deadlines_and_the_breaker_then_recovers(
        self,
        odoo_sandbox_process: SandboxProcess,
        odoo_admin: OdooClient,
        hub_factory: HubFactory,
        store_url_of_hub: str,
        webhook_secret: str,
    ) -> None:
        client = HubClient(
            *await register_client(store_url_of_hub, "orders.write", "inventory.read")
        )
        outage = await odoo_outage(
            odoo_sandbox_process, odoo_admin, hub_factory(), client, webhook_secret, hang=True
        )
        print("\nodoo-hung:", outage.report())

        assert {status for status, *_ in outage.writes} == {503}, outage.writes
        assert all(r is not None and int(r) >= 1 for *_, r in outage.writes), outage.writes
        codes = {code for _, _, code, _ in outage.writes}
        assert "resilience.circuit_open" in codes, f"the breaker never opened: {codes}"
        assert max(took for _, took, *_ in outage.writes) < WRITE_DEADLINE_SECONDS
        assert outage.sources == {"read_model"}
        assert outage.recovered is not None
        assert outage.recovered.status_code == 201, outage.recovered.text
        count = await odoo_admin.search_count("purchase.order", [("origin", "=", "OUTAGE-DURING")])
        assert count == 1, f"{count} purchase orders for one order_ref"

    async def test_changes_arriving_while_odoo_is_down_are_relayed_after_it_is_back(
        self,
        odoo_sandbox_process: SandboxProcess,
        odoo_admin: OdooClient,
        hub_factory: HubFactory,
        store_url_of_hub: str,
        nats_process: NatsProcess,
        webhook_secret: str,
    ) -> None:
        client = HubClient(
            *await register_client(store_url_of_hub, "orders.write", "inventory.read")
        )
        hub = hub_factory()
        outage = await odoo_outage(odoo_sandbox_process, odoo_admin, hub, client, webhook_secret)
        [fresh] = await odoo_admin.create("res.partner", [{"name": "After the outage"}])
        catch_up_from = time.monotonic()
        state: dict[str, object] = {}

        async def caught_up() -> Delivery | None:
            changes = await change_log(store_url_of_hub, "res.partner")
            hooked = {c.record_id for c in changes if "webhook" in c.sources}
            state["fresh_captured"] = fresh in {c.record_id for c in changes}
            state["webhooks_not_recorded"] = sorted(set(outage.hooks_during) - hooked)
            delivered = await partner_delivery(store_url_of_hub, nats_process.url)
            state["changes/events/missing"] = (
                delivered.changes,
                delivered.messages,
                len(delivered.missing),
            )
            state["first_missing"] = delivered.missing_changes[:5]
            if not state["fresh_captured"] or state["webhooks_not_recorded"]:
                return None
            return delivered if delivered.exactly_once else None

        delivered = await eventually(
            caught_up,
            within=RECOVERY_BOUND_SECONDS,
            every=0.5,
            what=lambda: f"every captured change relayed: {state}",
        )
        print(
            "\nodoo-down catch-up:",
            summary(
                webhooks_during_outage=len(outage.hooks_during),
                capture_and_relay_caught_up_s=round(time.monotonic() - catch_up_from, 2),
                total_recovery_s=round(time.monotonic() - outage.up_at, 2),
                partner_changes=delivered.changes,
                partner_events=delivered.messages,
            ),
        )
