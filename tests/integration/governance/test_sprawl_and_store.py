"""The sprawl check against the Odoo sandbox, and the governance tables against the migration."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from pydantic import SecretStr
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.settings import OdooSettings
from healthbridge.governance.applied import Approval
from healthbridge.sandbox.odoo.runner import RunningSandbox
from healthbridge.services.governance_sprawl import sprawl_check
from healthbridge.store import governance_schema
from healthbridge.store.approvals import Approvals
from healthbridge.store.catalog_state import CatalogState
from healthbridge.store.schema import metadata

GOVERNANCE_TABLES = {
    governance_schema.governance_resources.name,
    governance_schema.governance_revisions.name,
    governance_schema.governance_approvals.name,
}


@pytest.fixture
async def hub_odoo(odoo_sandbox: RunningSandbox) -> AsyncIterator[OdooClient]:
    client = await OdooClient.connect(
        OdooSettings(
            url=odoo_sandbox.url,
            database=odoo_sandbox.database,
            login="hub-integration",
            api_key=SecretStr(odoo_sandbox.api_keys["hub-integration"]),
            retry_attempts=1,
        )
    )
    try:
        yield client
    finally:
        await client.close()


async def test_the_sprawl_check_lists_machine_logins_when_api_keys_are_not_readable(
    hub_odoo: OdooClient,
) -> None:
    report = await sprawl_check(
        hub_odoo,
        hub_logins=("hub-integration",),
        machine_patterns=("*integration*", "*-reader"),
    )
    # The sandbox has no res.users.apikeys model, so the check falls back to logins.
    assert report.keys_readable is False
    assert "res.users.apikeys is not readable" in report.notes[0]
    assert [(f.login, f.user_id) for f in report.findings] == [("stock-reader", 7)]


async def test_the_migration_creates_exactly_the_governance_tables(
    store_engine: AsyncEngine,
) -> None:
    async with store_engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
        )
    mine = [d for d in differences if any(table in repr(d) for table in GOVERNANCE_TABLES)]
    assert mine == []
    assert set(metadata.tables) >= GOVERNANCE_TABLES


async def test_a_commit_replaces_resources_and_counts_what_it_did(
    store_engine: AsyncEngine,
) -> None:
    state = CatalogState(store_engine)
    at = datetime(2026, 11, 24, 12, tzinfo=UTC)
    first = await state.commit(
        upserts={("Consumer", "a"): {"v": 1}, ("Consumer", "b"): {"v": 1}},
        removals=[],
        catalog_hash="h1",
        applied_by="me",
        at=at,
    )
    second = await state.commit(
        upserts={("Consumer", "a"): {"v": 2}},
        removals=[("Consumer", "b"), ("Consumer", "never-there")],
        catalog_hash="h2",
        applied_by="you",
        at=at,
    )
    assert (first.added, first.changed, first.removed) == (2, 0, 0)
    assert (second.added, second.changed, second.removed) == (0, 1, 1)
    applied = await state.applied()
    assert list(applied) == [("Consumer", "a")]
    assert applied[("Consumer", "a")].document == {"v": 2}
    assert applied[("Consumer", "a")].revision == second.id
    assert [r.catalog_hash for r in await state.revisions()] == ["h2", "h1"]


async def test_a_commit_that_fails_part_way_changes_nothing(store_engine: AsyncEngine) -> None:
    state = CatalogState(store_engine)
    at = datetime(2026, 11, 24, 12, tzinfo=UTC)
    await state.commit(
        upserts={("Consumer", "a"): {"v": 1}},
        removals=[],
        catalog_hash="h1",
        applied_by="me",
        at=at,
    )
    unserialisable = {"v": object()}  # fails in the driver, after the first row was written
    with pytest.raises(StatementError, match="not JSON serializable"):
        await state.commit(
            upserts={("Consumer", "a"): {"v": 2}, ("Consumer", "b"): unserialisable},
            removals=[],
            catalog_hash="h2",
            applied_by="me",
            at=at,
        )
    applied = await state.applied()
    assert applied[("Consumer", "a")].document == {"v": 1}
    latest = await state.latest_revision()
    assert latest is not None
    assert latest.catalog_hash == "h1"


async def test_approvals_are_found_by_item_hash_newest_last(store_engine: AsyncEngine) -> None:
    approvals = Approvals(store_engine)
    at = datetime(2026, 11, 24, 12, tzinfo=UTC)
    for role in ("owner", "on-call"):
        await approvals.record(Approval("Integration/x", "hash-1", role, "ann", "fine", at))
    await approvals.record(Approval("Integration/y", "hash-2", "security", "bob", "ok", at))
    found = await approvals.for_items(["hash-1"])
    assert [(a.role, a.approved_by, a.approved_at) for a in found] == [
        ("owner", "ann", at),
        ("on-call", "ann", at),
    ]
    assert [a.change_id for a in await approvals.latest(2)] == ["Integration/y", "Integration/x"]
    assert await approvals.for_items([]) == []
