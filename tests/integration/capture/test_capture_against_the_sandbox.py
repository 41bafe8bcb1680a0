"""Change capture against the Odoo sandbox over real HTTP, on SQLite and PostgreSQL stores.

The sandbox behaves like the Odoo 19.0 of the wire facts: write_date stamped per
transaction with microseconds, webhooks posted synchronously after commit, duplicated
by rules without trigger fields. The connector talks JSON-2 to it; the receiver runs in
uvicorn on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.settings import OdooSettings, Settings
from healthbridge.gateway import create_app
from healthbridge.services import (
    ChangeIntake,
    ChangePoller,
    apply_webhook_rules,
    plan_webhook_rules,
)
from healthbridge.store import ChangeLog, Watermarks
from healthbridge.testing import served

PARTNER = "res.partner"


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
async def admin(odoo_sandbox) -> AsyncIterator[OdooClient]:
    client = await connect(odoo_sandbox, "admin")
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
async def hub_odoo(odoo_sandbox) -> AsyncIterator[OdooClient]:
    client = await connect(odoo_sandbox, "hub-integration")
    try:
        yield client
    finally:
        await client.close()


def make_poller(odoo, engine, *, page_size=5):
    return ChangePoller(
        odoo,
        ChangeLog(engine),
        Watermarks(engine),
        models=[PARTNER],
        page_size=page_size,
        overlap_seconds=2,
        poll_interval_seconds=0.05,
        initial_backoff_seconds=0.05,
    )


def second_of(odoo_datetime: str) -> datetime:
    return datetime.fromisoformat(odoo_datetime).replace(tzinfo=UTC, microsecond=0)


async def current_keys(odoo: OdooClient) -> set[tuple[int, datetime]]:
    rows = await odoo.search_read(PARTNER, [], ["id", "write_date"], context={"active_test": False})
    return {(row["id"], second_of(row["write_date"])) for row in rows}


async def logged_keys(engine) -> list[tuple[int, datetime]]:
    rows = await ChangeLog(engine).since(0, limit=100_000, model=PARTNER)
    return [(row.record_id, row.write_date) for row in rows]


@contextlib.asynccontextmanager
async def receiver(engine, secret: str) -> AsyncIterator[tuple[str, ChangeIntake]]:
    intake = ChangeIntake(ChangeLog(engine))
    app = create_app(intake, Settings(capture={"webhook_secret": secret}))
    async with served(app) as url:
        yield url, intake


class TestPollerAgainstTheSandbox:
    async def test_concurrent_writes_and_a_restart_lose_and_duplicate_no_change(
        self, admin, hub_odoo, store_engine
    ):
        existing = sorted(key[0] for key in await current_keys(admin))
        created: list[int] = []

        async def create_partners(writer: int) -> None:
            for n in range(8):
                created.extend(await admin.create(PARTNER, [{"name": f"Writer {writer} #{n}"}]))
                await asyncio.sleep(0.02)

        async def edit_existing() -> None:
            for record_id in existing:
                await admin.write(PARTNER, [record_id], {"ref": f"edited-{record_id}"})
                await asyncio.sleep(0.02)

        writers = asyncio.gather(create_partners(1), create_partners(2), edit_existing())
        first = asyncio.create_task(make_poller(hub_odoo, store_engine).run())
        await asyncio.sleep(0.15)
        first.cancel()  # the hub stops mid-run, wherever the poller was
        with contextlib.suppress(asyncio.CancelledError):
            await first
        stop = asyncio.Event()
        restarted = make_poller(hub_odoo, store_engine)
        second = asyncio.create_task(restarted.run(stop))
        await asyncio.wait_for(writers, 30)
        await asyncio.sleep(0.2)
        stop.set()
        await asyncio.wait_for(second, 10)
        await restarted.run_once()  # one last round once the writers are done

        logged = await logged_keys(store_engine)
        assert len(logged) == len(set(logged)), "a change was recorded twice"
        missing = await current_keys(admin) - set(logged)
        assert not missing, f"changes never captured: {sorted(missing)}"
        assert set(created) <= {record_id for record_id, _ in logged}
        assert len(created) == 16


class TestWebhooksAgainstTheSandbox:
    async def test_installed_rules_bring_each_edit_to_the_receiver_as_one_change(
        self, odoo_sandbox, admin, store_engine
    ):
        secret = secrets.token_urlsafe(24)
        async with receiver(store_engine, secret) as (url, intake):
            plan = await plan_webhook_rules(admin, [PARTNER], url, secret)
            await apply_webhook_rules(admin, plan)
            odoo_sandbox.webhook_log.clear()

            [new] = await admin.create(PARTNER, [{"name": "Ward 9", "email": "w9@example.org"}])
            others = sorted(key[0] for key in await current_keys(admin) if key[0] != new)[:3]
            for record_id in others:
                await admin.write(PARTNER, [record_id], {"email": f"{record_id}@example.org"})
            await admin.write(PARTNER, [others[0]], {"website": "https://x.example"})  # no trigger
            await asyncio.wait_for(intake.drain(), 5)

        deliveries = odoo_sandbox.webhook_log.entries()
        assert [d.outcome for d in deliveries] == ["succeeded"] * 4
        assert all(f"token={secret}" in d.url for d in deliveries)
        rows = await ChangeLog(store_engine).latest(model=PARTNER)
        assert sorted(row.record_id for row in rows) == sorted([new, *others])
        assert all(row.sources == ("webhook",) for row in rows)
        assert all("write_date" not in row.changed_fields for row in rows)

    async def test_the_duplicates_of_a_rule_without_trigger_fields_collapse_to_one_change(
        self, odoo_sandbox, admin, store_engine
    ):
        secret = secrets.token_urlsafe(24)
        async with receiver(store_engine, secret) as (url, intake):
            plan = await plan_webhook_rules(admin, [PARTNER], url, secret)
            [rule] = await apply_webhook_rules(admin, plan)
            # An operator clears the trigger fields: Odoo now re-fires on every recomputation.
            await admin.write(
                "base.automation", [rule.automation_id], {"trigger_field_ids": [(5, 0, 0)]}
            )
            odoo_sandbox.webhook_log.clear()

            [new] = await admin.create(PARTNER, [{"name": "Duplicated"}])
            await asyncio.wait_for(intake.drain(), 5)

        bodies = [json.loads(d.body) for d in odoo_sandbox.webhook_log.entries()]
        assert len(bodies) > 1, "the sandbox sends a create several times without trigger fields"
        assert {body["_id"] for body in bodies} == {new}
        [row] = await ChangeLog(store_engine).latest(model=PARTNER)
        assert row.record_id == new
        assert row.seen_count == len(bodies)

    async def test_a_change_seen_by_webhook_and_by_poller_is_one_row(
        self, odoo_sandbox, admin, hub_odoo, store_engine
    ):
        secret = secrets.token_urlsafe(24)
        async with receiver(store_engine, secret) as (url, intake):
            await apply_webhook_rules(
                admin, await plan_webhook_rules(admin, [PARTNER], url, secret)
            )
            [new] = await admin.create(PARTNER, [{"name": "Seen twice"}])
            await asyncio.wait_for(intake.drain(), 5)

        await make_poller(hub_odoo, store_engine).run_once()

        log = ChangeLog(store_engine)
        rows = [row for row in await log.latest(1000, model=PARTNER) if row.record_id == new]
        assert len(rows) == 1
        assert rows[0].sources == ("webhook", "poller")
        assert rows[0].seen_count == 2
