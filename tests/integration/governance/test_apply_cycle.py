"""Plan, approve and apply against a hub, on SQLite and PostgreSQL.

Apply refuses changes lacking their approvals, is idempotent, and is all or nothing: a
registry failing half-way leaves the hub and the applied state as they were.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from healthbridge.governance.applied import Approval
from healthbridge.services import governance
from healthbridge.services.governance import (
    ApprovalMissingError,
    GovernanceSources,
    LintFailedError,
)
from healthbridge.services.governance_hub import ApplyFailedError
from healthbridge.store.approvals import ApprovalAlreadyRecordedError, Approvals
from healthbridge.store.catalog_state import CatalogState
from tests.integration.governance.conftest import FakeHub


async def _approve_all_missing(
    sources: GovernanceSources, state: CatalogState, approvals: Approvals
) -> int:
    view = await governance.plan(sources, state, approvals)
    count = 0
    for status in view.blocked:
        for role in status.missing:
            await governance.approve(
                sources,
                state,
                approvals,
                change_id=status.item.change_id,
                approved_by=f"{role}-lead",
                reason="reviewed in GOV-200",
                role=role,
            )
            count += 1
    return count


async def _applied_once(
    sources: GovernanceSources, state: CatalogState, approvals: Approvals, hub: FakeHub
) -> None:
    await governance.approve_pending(
        sources, state, approvals, approved_by="seed", reason="adopting the running estate"
    )
    await governance.apply(sources, state, approvals, hub, applied_by="release-bot")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


async def test_the_example_catalog_is_planned_approved_and_applied_once(
    sources: GovernanceSources, state: CatalogState, approvals: Approvals, hub: FakeHub
) -> None:
    view = await governance.plan(sources, state, approvals)
    assert len(view.plan.items) == 23
    assert {s.item.action for s in view.statuses} == {"add"}
    with pytest.raises(ApprovalMissingError) as refused:
        await governance.apply(sources, state, approvals, hub, applied_by="release-bot")
    assert "Consumer/medline-supplier" in refused.value.details["missing"]
    assert hub.calls == []
    assert await state.applied() == {}

    assert await _approve_all_missing(sources, state, approvals) == 20
    outcome = await governance.apply(sources, state, approvals, hub, applied_by="release-bot")

    assert outcome.revision is not None
    assert (outcome.revision.added, outcome.revision.changed, outcome.revision.removed) == (
        23,
        0,
        0,
    )
    assert len(hub.resources) == 23
    assert ("slos", "patient-registration") in hub.resources
    applied = await state.applied()
    assert len(applied) == 23
    assert applied[("Consumer", "adt-feed")].applied_by == "release-bot"
    assert (await governance.plan(sources, state, approvals)).plan.empty

    calls_before = list(hub.calls)
    again = await governance.apply(sources, state, approvals, hub, applied_by="release-bot")
    assert again.revision is None
    assert hub.calls == calls_before
    latest = await state.latest_revision()
    assert latest is not None
    assert latest.id == outcome.revision.id


class AuditLog:
    """Stands in for the gateway's hash-chained audit log."""

    def __init__(self) -> None:
        self.entries: list[Approval] = []

    async def approval_recorded(self, approval: Approval) -> None:
        self.entries.append(approval)


async def test_an_approval_records_who_when_why_and_is_bound_to_the_change(
    sources: GovernanceSources, state: CatalogState, approvals: Approvals
) -> None:
    moment = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    audit = AuditLog()
    recorded = await governance.approve(
        sources,
        state,
        approvals,
        change_id="WebhookEndpoint/medline-orders",
        approved_by="sec-officer",
        reason="pen-tested endpoint, GOV-101",
        audit=audit,
        now=lambda: moment,
    )
    assert audit.entries == [recorded]
    assert recorded.id is not None
    assert (recorded.role, recorded.approved_by, recorded.approved_at) == (
        "security",
        "sec-officer",
        moment,
    )
    with pytest.raises(ApprovalAlreadyRecordedError):
        await approvals.record(recorded)
    view = await governance.plan(sources, state, approvals)
    status = next(s for s in view.statuses if s.item.change_id == "WebhookEndpoint/medline-orders")
    assert status.missing == ()

    _edit(
        sources.catalog_dir / "payers.yaml",
        "https://edi.medline.example/healthbridge/orders",
        "https://edi.medline.example/v2/orders",
    )
    view = await governance.plan(sources, state, approvals)
    status = next(s for s in view.statuses if s.item.change_id == "WebhookEndpoint/medline-orders")
    assert status.missing == ("security",), "an approval does not carry over to an edited change"


async def test_a_breaking_contract_change_is_blocked_until_the_board_approves(
    sources: GovernanceSources, state: CatalogState, approvals: Approvals, hub: FakeHub
) -> None:
    await _applied_once(sources, state, approvals, hub)
    old = json.loads((sources.contracts_dir / "Charge" / "1.0.0.json").read_text())
    new: dict[str, Any] = {**old, "$id": old["$id"].replace("1.0.0", "2.0.0"), "version": "2.0.0"}
    dropped = sorted(new["properties"])[0]
    new["properties"] = {k: v for k, v in new["properties"].items() if k != dropped}
    new["required"] = [k for k in new.get("required", []) if k != dropped]
    (sources.contracts_dir / "Charge" / "2.0.0.json").write_text(json.dumps(new))
    _edit(
        sources.catalog_dir / "billing.yaml",
        "{name: Charge, version: 1.0.0}",
        "{name: Charge, version: 2.0.0}",
    )

    view = await governance.plan(sources, state, approvals)
    (status,) = view.statuses
    assert status.item.change_id == "Integration/charge-capture"
    assert [(c.name, c.verdict) for c in status.item.contracts] == [("Charge", "breaking")]
    assert status.missing == ("governance-board", "owner", "on-call")

    for role in ("owner", "on-call"):
        await governance.approve(
            sources,
            state,
            approvals,
            change_id=status.item.change_id,
            approved_by=f"{role}-lead",
            reason="ok",
            role=role,
        )
    with pytest.raises(ApprovalMissingError) as refused:
        await governance.apply(sources, state, approvals, hub, applied_by="release-bot")
    assert refused.value.details["missing"] == {"Integration/charge-capture": ["governance-board"]}
    assert (
        hub.resources[("integrations", "charge-capture")]["spec"]["contracts"][0]["version"]
        == "1.0.0"
    )

    await governance.approve(
        sources,
        state,
        approvals,
        change_id=status.item.change_id,
        approved_by="board-chair",
        reason="consumers migrated",
        role="governance-board",
    )
    outcome = await governance.apply(sources, state, approvals, hub, applied_by="release-bot")
    assert outcome.revision is not None
    assert outcome.revision.changed == 1
    assert (
        hub.resources[("integrations", "charge-capture")]["spec"]["contracts"][0]["version"]
        == "2.0.0"
    )


def _change_several_things(catalog: Path) -> None:
    _edit(catalog / "consumers.yaml", "system/Product.rs]", "system/Product.rs, system/Lot.rs]")
    _edit(
        catalog / "consumers.yaml", "  name: analytics-warehouse\n", "  name: analytics-warehouse\n"
    )  # unchanged, keeps the file readable
    (catalog / "lab.yaml").write_text(
        "apiVersion: healthbridge.io/v1\nkind: Consumer\nmetadata:\n  name: lab-system\n"
        "spec:\n  owner: laboratory\n  purpose_of_use: operations\n  scopes: [system/Location.rs]\n"
    )
    _edit(catalog / "supply-chain.yaml", 'cron: "0 2 * * *"', 'cron: "30 1 * * *"')


async def test_an_apply_interrupted_half_way_leaves_the_previous_state_in_force(
    sources: GovernanceSources, state: CatalogState, approvals: Approvals, hub: FakeHub
) -> None:
    await _applied_once(sources, state, approvals, hub)
    hub_before = hub.snapshot()
    state_before = {k: v.resource_hash for k, v in (await state.applied()).items()}
    revision_before = await state.latest_revision()
    _change_several_things(sources.catalog_dir)
    view = await governance.plan(sources, state, approvals)
    assert [s.item.change_id for s in view.statuses] == [
        "Consumer/ehr-gateway",
        "Consumer/lab-system",
        "Schedule/inventory-reporting-nightly",
    ]
    await _approve_all_missing(sources, state, approvals)

    hub.calls.clear()
    hub.forward_calls, hub.fail_at = (
        0,
        3,
    )  # the schedule registry fails after both consumers went through
    with pytest.raises(ApplyFailedError) as failed:
        await governance.apply(sources, state, approvals, hub, applied_by="release-bot")

    assert failed.value.details["rolled_back"] is True
    assert failed.value.details["change"] == "Schedule/inventory-reporting-nightly"
    assert hub.calls == [
        ("consumers", "update", "ehr-gateway"),
        ("consumers", "register", "lab-system"),
        ("schedules", "update", "inventory-reporting-nightly"),
        ("consumers", "remove", "lab-system"),
        ("consumers", "update", "ehr-gateway"),
    ]
    assert hub.snapshot() == hub_before
    assert {k: v.resource_hash for k, v in (await state.applied()).items()} == state_before
    assert await state.latest_revision() == revision_before

    hub.fail_at, hub.undoing = None, False
    outcome = await governance.apply(sources, state, approvals, hub, applied_by="release-bot")
    assert outcome.revision is not None
    assert revision_before is not None
    assert outcome.revision.id == revision_before.id + 1
    assert hub.resources[("consumers", "lab-system")]["spec"]["owner"] == "laboratory"


async def test_a_rollback_that_cannot_finish_says_what_stayed(
    sources: GovernanceSources, state: CatalogState, approvals: Approvals, hub: FakeHub
) -> None:
    await _applied_once(sources, state, approvals, hub)
    _change_several_things(sources.catalog_dir)
    await _approve_all_missing(sources, state, approvals)
    hub.forward_calls, hub.fail_at, hub.fail_undo = 0, 2, True
    with pytest.raises(ApplyFailedError, match="ROLLBACK INCOMPLETE") as failed:
        await governance.apply(sources, state, approvals, hub, applied_by="release-bot")
    assert failed.value.details["undo_failed"] == ["Consumer/ehr-gateway"]
    assert failed.value.details["rolled_back"] is False


async def test_a_failed_commit_puts_the_hub_back(
    sources: GovernanceSources, state: CatalogState, approvals: Approvals, hub: FakeHub
) -> None:
    await _applied_once(sources, state, approvals, hub)
    hub_before = hub.snapshot()
    _change_several_things(sources.catalog_dir)
    await _approve_all_missing(sources, state, approvals)

    class BrokenState:
        applied = state.applied
        latest_revision = state.latest_revision

        async def commit(self, **_: Any) -> Any:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        await governance.apply(sources, BrokenState(), approvals, hub, applied_by="release-bot")
    assert hub.snapshot() == hub_before


async def test_apply_refuses_a_catalog_with_policy_errors(
    sources: GovernanceSources, state: CatalogState, approvals: Approvals, hub: FakeHub
) -> None:
    _edit(
        sources.catalog_dir / "supply-chain.yaml",
        "odoo_credential: hub-integration",
        "odoo_credential: admin",
    )
    with pytest.raises(LintFailedError):
        await governance.apply(sources, state, approvals, hub, applied_by="release-bot")
    assert hub.calls == []
