"""The demo's approval: a worker in its own process waits, and `healthbridge tasks` decides.

The CLI opens nothing but the hub's data_dir (the store and DBOS's system database); the
decision reaches the run in the other process through ``DBOSClient.send``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthbridge.cli import output, tasks_cmd
from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.settings import OdooSettings
from tests.fault.workflows.conftest import Databases, WorkerFactory
from tests.integration.workflows.harness import stock_low
from tests.support.sandbox import SandboxProcess

pytestmark = pytest.mark.timeout(40)
runner = CliRunner()


async def _tasks(*args: str) -> tuple[int, str]:
    result = await asyncio.to_thread(runner.invoke, tasks_cmd.app, list(args), terminal_width=240)
    return result.exit_code, result.output


async def test_an_approval_from_the_cli_completes_a_run_waiting_in_another_process(
    spawn_worker: WorkerFactory,
    sqlite_databases: Databases,
    odoo_process: SandboxProcess,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HEALTHBRIDGE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HEALTHBRIDGE_OPERATOR", "alice")
    monkeypatch.setattr(output.console, "width", 240)
    request = stock_low("cli-process")
    task_id = f"{request.workflow_id}/approval"
    worker = await spawn_worker(
        store_url=f"sqlite+aiosqlite:///{(tmp_path / 'healthbridge.db').as_posix()}",
        settings={"approval_threshold": 100},
        start=request.event_id,
    )
    await worker.expect("ready")

    for _ in range(200):
        code, listed = await _tasks("list", "--state", "open")
        if task_id in listed:
            break
        await asyncio.sleep(0.1)
    assert code == 0, listed
    assert task_id in listed

    code, approved = await _tasks("approve", task_id, "--reason", "ward is short")
    assert code == 0, approved
    assert f"approved: {task_id}" in approved
    outcome = await worker.expect("outcome")
    assert (outcome["state"], outcome["approval"]) == ("completed", "human")

    code, decided = await _tasks("list", "--state", "approved")
    assert "alice" in decided
    assert "ward is short" in decided
    odoo = await OdooClient.connect(
        OdooSettings.model_validate(
            {
                "url": odoo_process.url,
                "database": odoo_process.database,
                "api_key": odoo_process.api_keys["hub-integration"],
            }
        )
    )
    try:
        orders = await odoo.search_read(
            "purchase.order", [("origin", "=", request.workflow_id)], ["state"]
        )
    finally:
        await odoo.close()
    assert [o["state"] for o in orders] == ["purchase"]
