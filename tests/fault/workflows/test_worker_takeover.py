"""Recovery across workers: a survivor takes over a dead worker's runs, and an upgraded
worker with the pinned application version recovers what its predecessor left.

Runs on SQLite and, when HEALTHBRIDGE_TEST_POSTGRES_URL is set, on PostgreSQL (a fresh
store database and a fresh DBOS system database per test).
"""

from __future__ import annotations

import pytest
from dbos import DBOSClient

from healthbridge.sandbox.supplier import RunningSupplier
from tests.fault.workflows.conftest import Databases, WorkerFactory
from tests.fault.workflows.test_replenishment_sigkill import odoo_orders
from tests.support.sandbox import SandboxProcess

pytestmark = pytest.mark.timeout(40)


def _run_status(dbs: Databases, workflow_id: str) -> tuple[str, str | None, str | None]:
    client = DBOSClient(system_database_url=dbs.system_url)
    try:
        (status,) = client.list_workflows(workflow_ids=[workflow_id])
        return status.status, status.executor_id, status.app_version
    finally:
        client.destroy()


async def test_a_surviving_worker_takes_over_the_runs_of_a_worker_gone_for_good(
    spawn_worker: WorkerFactory,
    databases: Databases,
    supplier: RunningSupplier,
    odoo_process: SandboxProcess,
) -> None:
    event = f"takeover-{databases.store_url[:6]}"
    common = {"heartbeat": True}
    doomed = await spawn_worker(
        settings={"executor_id": "worker-a", "pause_at_step": "create_purchase_order"},
        start=event,
        **common,
    )
    assert await doomed.expect("paused") == "create_purchase_order"
    survivor = await spawn_worker(
        settings={"executor_id": "worker-b", "executor_dead_after_seconds": 1.0},
        wait_for=f"replenishment-26-12-{event}",
        **common,
    )
    assert await survivor.expect("ready") == "worker-b"
    await doomed.kill()

    outcome = await survivor.expect("outcome")

    assert outcome["state"] == "completed"
    workflow_id = outcome["workflow_id"]
    status, executor, _ = _run_status(databases, workflow_id)
    assert (status, executor) == ("SUCCESS", "worker-b")
    orders = await odoo_orders(odoo_process, workflow_id)
    assert [order["state"] for order in orders] == ["purchase"]
    assert supplier.state.calls[f"quotes:{workflow_id}"] == 1


async def test_an_upgraded_worker_with_the_pinned_version_recovers_unfinished_runs(
    spawn_worker: WorkerFactory,
    databases: Databases,
    odoo_process: SandboxProcess,
) -> None:
    event = f"upgrade-{databases.store_url[:6]}"
    pinned = {"application_version": "hb-pinned-7"}
    old = await spawn_worker(
        settings={**pinned, "pause_at_step": "confirm_purchase_order"}, start=event
    )
    upgraded = await spawn_worker(
        settings=pinned, new_code=True, wait_for=f"replenishment-26-12-{event}", hold=True
    )
    assert await old.expect("paused") == "confirm_purchase_order"
    await old.kill()

    await upgraded.go()
    assert await upgraded.expect("version") == "hb-pinned-7"
    outcome = await upgraded.expect("outcome")

    assert outcome["state"] == "completed"
    assert _run_status(databases, outcome["workflow_id"])[2] == "hb-pinned-7"
    orders = await odoo_orders(odoo_process, outcome["workflow_id"])
    assert [order["state"] for order in orders] == ["purchase"]
