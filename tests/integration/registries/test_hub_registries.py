"""Plan, approve and apply the example catalog against the hub's real registries.

On SQLite and PostgreSQL: the gateway's clients and the webhook endpoints end up as the
catalog says, apply is idempotent, a removed consumer is disabled (never deleted), and
an apply failing halfway leaves clients and endpoints as they were.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.registries import REMOVED_REASON, HubRegistries, apply_catalog, endpoint_id
from healthbridge.services import governance
from healthbridge.services.governance import GovernanceSources
from healthbridge.services.governance_hub import ApplyFailedError
from healthbridge.store.approvals import Approvals
from healthbridge.store.audit_log import AuditLog
from healthbridge.store.catalog_state import CatalogState
from healthbridge.store.clients import ClientRegistry
from healthbridge.store.webhook_endpoints import WebhookEndpoints
from tests.integration.registries.conftest import CountedHub, Counter, RegistryDownError

EXAMPLE_CONSUMERS = {
    "ehr-gateway": {"system/SupplyRequest.cu", "system/Location.rs", "system/Product.rs"},
    "adt-feed": {"system/Patient.cu", "system/Coverage.cu"},
    "medline-supplier": {"supply/PurchaseOrder.r"},
    "acme-payer-portal": {"billing/Claim.r", "billing/Coverage.rs"},
    "analytics-warehouse": {"reporting/StockLevel.r", "reporting/Lot.r", "reporting/Product.r"},
}
EXAMPLE_ENDPOINTS = {
    "medline-orders": (
        "medline-supplier",
        "https://edi.medline.example/healthbridge/orders",
        ("org.healthbridge.purchase.order-confirmed.v1",),
    ),
    "acme-payer-claims": (
        "acme-payer-portal",
        "https://hooks.acme-payer.example/healthbridge",
        ("org.healthbridge.invoice.posted.v1", "org.healthbridge.payment.received.v1"),
    ),
}


async def _hub_state(engine: AsyncEngine) -> dict[str, Any]:
    """Clients and endpoints as the gateway and the dispatcher see them (no timestamps)."""
    clients = {
        c.client_id: (sorted(c.scopes), c.environment, c.purpose, c.enabled, c.secret_hash)
        for c in await ClientRegistry(engine).list()
    }
    endpoints = {
        e.id: (e.consumer, e.url, e.event_types, e.payload, e.enabled, e.secret)
        for e in await WebhookEndpoints(engine).list()
    }
    return {"clients": clients, "endpoints": endpoints}


async def _apply(
    sources: GovernanceSources, state: CatalogState, approvals: Approvals, hub: Any
) -> governance.ApplyOutcome:
    await governance.approve_pending(
        sources, state, approvals, approved_by="governance-board", reason="GOV-8 review"
    )
    return await governance.apply(sources, state, approvals, hub, applied_by="release-bot")


def _drop_document(path: Path, name: str) -> None:
    """Remove the manifest called ``name`` from a multi-document YAML file."""
    parts = path.read_text(encoding="utf-8").split("\n---\n")
    kept = [p for p in parts if (yaml.safe_load(p) or {}).get("metadata", {}).get("name") != name]
    assert len(kept) == len(parts) - 1, f"{name} not in {path.name}"
    path.write_text("\n---\n".join(kept), encoding="utf-8")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


async def test_applying_the_example_catalog_creates_its_clients_and_endpoints(
    sources: GovernanceSources, state: CatalogState, approvals: Approvals, engine: AsyncEngine
) -> None:
    view = await governance.plan(sources, state, approvals)
    assert {s.item.action for s in view.statuses} == {"add"}
    hub = HubRegistries(engine)

    outcome = await _apply(sources, state, approvals, hub)

    assert outcome.revision is not None
    clients = {c.client_id: c for c in await ClientRegistry(engine).list()}
    assert {cid: set(c.scopes) for cid, c in clients.items()} == EXAMPLE_CONSUMERS
    assert {c.environment for c in clients.values()} == {"prod"}
    assert all(c.enabled for c in clients.values())
    assert clients["adt-feed"].purpose == "payment"
    endpoints = {e.id: e for e in await WebhookEndpoints(engine).list()}
    assert {eid: (e.consumer, e.url, e.event_types) for eid, e in endpoints.items()} == {
        endpoint_id(name): value for name, value in EXAMPLE_ENDPOINTS.items()
    }
    assert {(e.payload, e.full_payload_allowed, e.enabled) for e in endpoints.values()} == {
        ("thin", False, True)
    }
    assert set(hub.created_clients) == set(EXAMPLE_CONSUMERS)
    assert set(hub.created_endpoints) == set(endpoints)
    assert set(hub.state_only_kinds) == {
        "Subscription",
        "Integration",
        "SLO",
        "Schedule",
        "Deprecation",
    }


async def test_a_created_client_gets_its_secret_from_rotate_secret_not_from_apply(
    sources: GovernanceSources, state: CatalogState, approvals: Approvals, engine: AsyncEngine
) -> None:
    await _apply(sources, state, approvals, HubRegistries(engine))
    clients = ClientRegistry(engine)

    secret = await clients.rotate_secret("ehr-gateway")

    authenticated = await clients.authenticate("ehr-gateway", secret)
    assert authenticated is not None
    assert authenticated.scopes == frozenset(EXAMPLE_CONSUMERS["ehr-gateway"])


async def test_applying_again_makes_no_registry_call_and_changes_nothing(
    sources: GovernanceSources, state: CatalogState, approvals: Approvals, engine: AsyncEngine
) -> None:
    await _apply(sources, state, approvals, HubRegistries(engine))
    before = await _hub_state(engine)
    counter = Counter()

    outcome = await _apply(sources, state, approvals, CountedHub(HubRegistries(engine), counter))

    assert outcome.applied == ()
    assert outcome.revision is None
    assert counter.calls == []
    assert await _hub_state(engine) == before


async def test_registering_or_removing_twice_leaves_one_record_each(
    engine: AsyncEngine,
) -> None:
    told: list[str] = []
    hub = HubRegistries(engine, on_endpoints_changed=lambda: told.append("changed"))
    consumer = {
        "spec": {"scopes": ["b.read", "a.read"], "purpose_of_use": "operations"},
    }
    endpoint = {
        "spec": {
            "consumer": "lab",
            "url": "https://lab.example/hooks",
            "event_types": ["healthbridge.lab.*"],
            "thin": False,
        }
    }

    for _ in range(2):
        await hub.consumers.register("lab", consumer)
        await hub.webhook_endpoints.register("lab-hooks", endpoint)
    once = await _hub_state(engine)
    for _ in range(2):
        await hub.consumers.remove("lab", consumer)
        await hub.webhook_endpoints.remove("lab-hooks", endpoint)

    assert once["clients"]["lab"][:4] == (["a.read", "b.read"], "prod", "operations", True)
    assert once["endpoints"][endpoint_id("lab-hooks")][:5] == (
        "lab",
        "https://lab.example/hooks",
        ("healthbridge.lab.*",),
        "full",
        True,
    )
    after = await _hub_state(engine)
    assert list(after["clients"]) == ["lab"]
    assert after["clients"]["lab"][3] is False
    assert list(after["endpoints"]) == [endpoint_id("lab-hooks")]
    removed = await WebhookEndpoints(engine).get(endpoint_id("lab-hooks"))
    assert removed is not None
    assert (removed.enabled, removed.disabled_reason) == (False, REMOVED_REASON)
    assert hub.created_clients == ()
    assert len(told) == 3  # created, made to match, disabled; the second remove did nothing


async def test_removing_a_consumer_from_the_catalog_disables_its_client(
    sources: GovernanceSources, state: CatalogState, approvals: Approvals, engine: AsyncEngine
) -> None:
    await _apply(sources, state, approvals, HubRegistries(engine))
    _drop_document(sources.catalog_dir / "consumers.yaml", "analytics-warehouse")
    _edit(
        sources.catalog_dir / "supply-chain.yaml",
        "consumers: [analytics-warehouse]",
        "consumers: []",
    )

    view = await governance.plan(sources, state, approvals)
    assert ("remove", "Consumer/analytics-warehouse") in {
        (s.item.action, s.item.change_id) for s in view.statuses
    }
    await _apply(sources, state, approvals, HubRegistries(engine))

    clients = {c.client_id: c for c in await ClientRegistry(engine).list()}
    assert set(clients) == set(EXAMPLE_CONSUMERS)  # kept for the audit trail
    assert not clients["analytics-warehouse"].enabled
    assert await ClientRegistry(engine).enabled_ids() == set(EXAMPLE_CONSUMERS) - {
        "analytics-warehouse"
    }


async def test_an_apply_failing_halfway_leaves_clients_and_endpoints_as_they_were(
    sources: GovernanceSources, state: CatalogState, approvals: Approvals, engine: AsyncEngine
) -> None:
    await _apply(sources, state, approvals, HubRegistries(engine))
    before, applied_before = await _hub_state(engine), await state.applied()
    _edit(
        sources.catalog_dir / "consumers.yaml",
        "scopes: [system/SupplyRequest.cu, system/Location.rs, system/Product.rs]",
        "scopes: [system/SupplyRequest.cu, system/Location.rs]",
    )
    _edit(
        sources.catalog_dir / "payers.yaml",
        "https://hooks.acme-payer.example/healthbridge",
        "https://hooks.acme-payer.example/v2/healthbridge",
    )
    counter = Counter(fail_at=2)

    with pytest.raises(ApplyFailedError) as failed:
        await _apply(sources, state, approvals, CountedHub(HubRegistries(engine), counter))

    assert isinstance(failed.value.__cause__, RegistryDownError)
    assert failed.value.details["rolled_back"] is True
    assert len(counter.calls) == 3  # one change, the failing one, the undo of the first
    assert await _hub_state(engine) == before
    assert await state.applied() == applied_before

    await _apply(sources, state, approvals, HubRegistries(engine))
    client = await ClientRegistry(engine).get("ehr-gateway")
    endpoint = await WebhookEndpoints(engine).get(endpoint_id("acme-payer-claims"))
    assert client is not None
    assert endpoint is not None
    assert set(client.scopes) == {"system/SupplyRequest.cu", "system/Location.rs"}
    assert endpoint.url == "https://hooks.acme-payer.example/v2/healthbridge"


async def test_a_first_apply_failing_halfway_leaves_no_client_or_endpoint_in_force(
    sources: GovernanceSources, state: CatalogState, approvals: Approvals, engine: AsyncEngine
) -> None:
    counter = Counter(fail_at=6)
    hub = HubRegistries(engine)

    with pytest.raises(ApplyFailedError):
        await _apply(sources, state, approvals, CountedHub(hub, counter))

    assert await ClientRegistry(engine).enabled_ids() == frozenset()
    assert await WebhookEndpoints(engine).list(enabled_only=True) == []
    assert hub.created_clients == ()
    assert await state.applied() == {}


async def test_apply_catalog_applies_the_example_at_start_and_then_does_nothing(
    sources: GovernanceSources, engine: AsyncEngine
) -> None:
    first, hub = await apply_catalog(
        engine, sources, applied_by="demo", approve_pending_as="demo-seed"
    )
    again, _ = await apply_catalog(
        engine, sources, applied_by="demo", approve_pending_as="demo-seed"
    )

    assert first.revision is not None
    assert set(hub.created_clients) == set(EXAMPLE_CONSUMERS)
    assert again.revision is None
    assert await ClientRegistry(engine).enabled_ids() == set(EXAMPLE_CONSUMERS)


async def test_every_approval_is_an_entry_of_the_hash_chained_audit_log(
    sources: GovernanceSources, engine: AsyncEngine
) -> None:
    await apply_catalog(engine, sources, applied_by="demo", approve_pending_as="board-member")

    approvals = await Approvals(engine).latest(1000)
    entries = await AuditLog(engine).entries(limit=1000)
    approved = [e.record for e in entries if e.record.method == "APPROVE"]

    assert approvals
    assert len(approved) == len(approvals)
    assert {r.user for r in approved} == {"board-member"}
    assert {r.records[0] for r in approved} == {f"approval:{a.id}" for a in approvals}
    assert (await AuditLog(engine).verify()).intact
