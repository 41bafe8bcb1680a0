"""A worker SIGKILLed inside each replenishment step resumes from that step on restart.

The pause hook stops the step after it acted and before DBOS recorded it, the worst
moment to die: the restarted worker runs the step again, and the step must find its
earlier effect. Odoo (a sandbox process) must end with exactly one purchase order for
the run, and the steps before the killed one must not run again.
"""

from __future__ import annotations

import asyncio

import pytest
from dbos import DBOSClient

from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.clock import SystemClock
from healthbridge.core.settings import OdooSettings
from healthbridge.sandbox.supplier import RunningSupplier
from healthbridge.store import create_store_engine
from healthbridge.store.tasks import HumanTasks
from healthbridge.workflows.operations import WorkflowAdmin, decide_task
from healthbridge.workflows.replenishment import STEP_NAMES
from tests.fault.workflows.conftest import Databases, WorkerFactory
from tests.integration.workflows.harness import stock_low
from tests.support.sandbox import SandboxProcess

pytestmark = pytest.mark.timeout(40)


async def _approve_when_asked(dbs: Databases, workflow_id: str) -> None:
    store_url, system_db = dbs.store_url, dbs.system_url
    engine = create_store_engine(store_url)
    tasks = HumanTasks(engine, clock=SystemClock())
    try:
        for _ in range(200):
            task = await tasks.get(f"{workflow_id}/approval")
            if task is not None:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the approval task never appeared")
        client = DBOSClient(system_database_url=system_db)
        try:
            await decide_task(
                tasks, WorkflowAdmin(client), task.task_id, "approved", by="alice", reason=None
            )
        finally:
            client.destroy()
    finally:
        await engine.dispose()


@pytest.mark.parametrize("step", STEP_NAMES)
async def test_a_worker_killed_inside_a_step_resumes_there_with_one_purchase_order(
    step: str,
    spawn_worker: WorkerFactory,
    supplier: RunningSupplier,
    sqlite_databases: Databases,
    odoo_process: SandboxProcess,
) -> None:
    needs_approval = step == "open_approval_task"
    settings = {"approval_threshold": 100 if needs_approval else 10_000}
    request = stock_low(f"kill-{step}")

    first = await spawn_worker(settings={**settings, "pause_at_step": step}, start=request.event_id)
    second = await spawn_worker(settings=settings, wait_for=request.workflow_id, hold=True)
    assert await first.expect("paused") == step
    await first.kill()
    quotes_before_restart = supplier.state.calls[f"quotes:{request.workflow_id}"]

    await second.go()
    if needs_approval:
        await _approve_when_asked(sqlite_databases, request.workflow_id)
    outcome = await second.expect("outcome")

    assert outcome["state"] == "completed", outcome
    orders = await odoo_orders(odoo_process, request.workflow_id)
    assert [order["state"] for order in orders] == ["purchase"]
    assert orders[0]["partner_ref"] == "A00001"
    reran_quote = step == "check_supplier"
    assert supplier.state.calls[f"quotes:{request.workflow_id}"] == 1 + reran_quote
    assert quotes_before_restart == (0 if step == "approval_policy" else 1)
    assert len(supplier.state.quotes) == 1
    client = DBOSClient(system_database_url=sqlite_databases.system_url)
    try:
        names = [s["function_name"] for s in client.list_workflow_steps(request.workflow_id)]
    finally:
        client.destroy()
    assert names.count(step) == 1
    assert names.count("create_purchase_order") == 1


async def odoo_orders(odoo_process: SandboxProcess, reference: str) -> list[dict]:
    """The purchase orders carrying ``reference`` in the Odoo sandbox process."""
    client = await OdooClient.connect(
        OdooSettings(
            url=odoo_process.url,
            database=odoo_process.database,
            api_key=odoo_process.api_keys["hub-integration"],
        )
    )
    try:
        return await client.search_read(
            "purchase.order", [("origin", "=", reference)], ["state", "partner_ref"]
        )
    finally:
        await client.close()
