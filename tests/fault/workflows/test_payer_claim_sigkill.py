"""A worker SIGKILLed inside the claim steps resumes there: one claim, one payment."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.settings import OdooSettings
from healthbridge.sandbox.payer import RunningPayer
from tests.fault.workflows.conftest import WorkerFactory
from tests.support.sandbox import SandboxProcess

pytestmark = pytest.mark.timeout(40)


@pytest.mark.parametrize(("step", "invoice"), [("submit_claim", 4), ("register_claim_payment", 3)])
async def test_a_worker_killed_inside_a_claim_step_pays_the_invoice_once(
    step: str,
    invoice: int,
    spawn_worker: WorkerFactory,
    payer: RunningPayer,
    odoo_process: SandboxProcess,
) -> None:
    first = await spawn_worker(settings={"pause_at_step": step}, claim=invoice)
    second = await spawn_worker(wait_for=f"payer-claim-{invoice}", hold=True)
    assert await first.expect("paused") == step
    await first.kill()

    await second.go()
    outcome = await second.expect("outcome")

    assert outcome["state"] == "paid"
    assert len(payer.state.claims) == 1
    client = await OdooClient.connect(
        OdooSettings(
            url=odoo_process.url,
            database=odoo_process.database,
            api_key=SecretStr(odoo_process.api_keys["hub-integration"]),
        )
    )
    try:
        payments = await client.search_read(
            "account.payment", [("memo", "=", outcome["workflow_id"])], ["state"]
        )
        (after,) = await client.read("account.move", [invoice], ["payment_state"])
    finally:
        await client.close()
    assert [p["state"] for p in payments] == ["paid"]
    assert after["payment_state"] == "paid"
