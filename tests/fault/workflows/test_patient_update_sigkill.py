"""A worker SIGKILLed inside a patient update step resumes there: one partner, one notice.

The kill lands after the step acted and before DBOS recorded it. The restarted worker
runs the step again: the Odoo step must find the partner its predecessor created, and the
notify step publishes under the same source key (which JetStream deduplicates).
"""

from __future__ import annotations

import pytest

from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.settings import OdooSettings
from healthbridge.workflows.patient_update import STEP_NAMES
from tests.fault.workflows.conftest import Databases, WorkerFactory
from tests.fault.workflows.worker_process import patient_update_for
from tests.support.sandbox import SandboxProcess

pytestmark = pytest.mark.timeout(40)


@pytest.mark.parametrize("step", STEP_NAMES)
async def test_a_worker_killed_inside_a_patient_update_step_leaves_one_partner(
    step: str,
    spawn_worker: WorkerFactory,
    sqlite_databases: Databases,
    odoo_process: SandboxProcess,
) -> None:
    mrn = f"MRN-KILL-{step}"
    update = patient_update_for(mrn)
    first = await spawn_worker(settings={"pause_at_step": step}, patient=mrn)
    second = await spawn_worker(wait_for=update.workflow_id, hold=True)
    assert await first.expect("paused") == step
    await first.kill()

    await second.go()
    outcome = await second.expect("outcome")

    assert outcome["state"] == "completed", outcome
    assert outcome["created"] is True
    assert "phone" in outcome["changed_fields"]  # the recorded plan, not a second look
    client = await OdooClient.connect(
        OdooSettings(
            url=odoo_process.url,
            database=odoo_process.database,
            api_key=odoo_process.api_keys["hub-integration"],
        )
    )
    try:
        partners = await client.search_read("res.partner", [("ref", "=", mrn)], ["phone"])
    finally:
        await client.close()
    assert [p["id"] for p in partners] == [outcome["partner_id"]]
    assert outcome["event_id"] == f"workflow:{update.workflow_id}:partner-upserted"
