"""Batch sync against the Odoo sandbox: every run ends in a report; drift shows record by record."""

from __future__ import annotations

import asyncio

from pydantic import SecretStr

from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.settings import OdooSettings
from healthbridge.sandbox.odoo import RunningSandbox
from healthbridge.workflows.batch import BatchRun, start_batch_sync
from tests.integration.workflows.conftest import StackFactory

MODEL = "product.product"
RESULT_TIMEOUT = 20.0


async def _run(key: str) -> tuple:
    handle = await start_batch_sync(BatchRun(run_key=key, models=(MODEL,)))
    return await asyncio.wait_for(handle.get_result(), RESULT_TIMEOUT)


async def _admin(sandbox: RunningSandbox) -> OdooClient:
    return await OdooClient.connect(
        OdooSettings(
            url=sandbox.url, database=sandbox.database, api_key=SecretStr(sandbox.api_keys["admin"])
        )
    )


async def test_the_first_run_mirrors_every_record_and_a_second_finds_nothing_to_do(
    stack_factory: StackFactory,
) -> None:
    async with stack_factory() as stack:
        odoo_count = await stack.odoo.search_count(MODEL)
        (first,) = await _run("first")
        (second,) = await _run("second")

        assert (first.source_count, first.target_count, first.differences) == (
            odoo_count,
            0,
            odoo_count,
        )
        assert (second.source_count, second.target_count) == (odoo_count, odoo_count)
        assert (second.matched, second.differences) == (odoo_count, 0)
        assert len(await stack.mirror.records(MODEL)) == odoo_count


async def test_re_running_the_same_batch_returns_the_same_report(
    stack_factory: StackFactory,
) -> None:
    async with stack_factory() as stack:
        (once,) = await _run("same-key")
        (again,) = await _run("same-key")
        assert again == once
        assert await stack.reports.count() == 1


async def test_drift_in_odoo_shows_in_the_next_report_record_by_record(
    stack_factory: StackFactory, odoo_sandbox: RunningSandbox
) -> None:
    async with stack_factory() as stack:
        await _run("baseline")
        admin = await _admin(odoo_sandbox)
        try:
            changed_id, removed_id = await admin.search(MODEL, [], order="id asc", limit=2)
            (before,) = await admin.read(MODEL, [changed_id], ["list_price", "name"])
            await admin.write(MODEL, [changed_id], {"list_price": 99.5})
            await admin.call(MODEL, "write", [removed_id], params={"vals": {"active": False}})
            (added_id,) = await admin.create(
                MODEL, [{"name": "Drift Sample Swab", "list_price": 1}]
            )
        finally:
            await admin.close()

        (summary,) = await _run("after-drift")

        report = await stack.reports.get(summary.report_id)
        assert report is not None
        by_id = {d.record_id: d for d in report.differences}
        assert set(by_id) == {changed_id, removed_id, added_id}
        changed = by_id[changed_id]
        assert changed.kind == "changed"
        assert changed.target_values is not None
        assert changed.source_values is not None
        assert changed.target_values["list_price"] == before["list_price"]
        assert changed.source_values["list_price"] == 99.5
        assert changed.source_hash != changed.target_hash
        assert by_id[removed_id].kind == "missing_in_source"
        assert by_id[removed_id].source_values is None
        assert by_id[added_id].kind == "missing_in_target"
        assert by_id[added_id].source_values["name"] == "Drift Sample Swab"
        assert report.source_count == report.target_count
        (settled,) = await _run("settled")
        assert settled.differences == 0


async def test_the_scheduled_batch_runs_on_its_cron_and_leaves_a_report(
    stack_factory: StackFactory,
) -> None:
    async with stack_factory(schedule_batch=True, batch_schedule="* * * * * *") as stack:
        for _ in range(int(RESULT_TIMEOUT / 0.1)):
            reports = await stack.reports.latest(model=MODEL)
            if reports:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("no scheduled batch report appeared")
        assert reports[-1].run_id.startswith("batch-scheduled-")
        assert reports[-1].source_count == await stack.odoo.search_count(MODEL)
