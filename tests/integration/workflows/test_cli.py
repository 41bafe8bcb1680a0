"""The operator's commands: an approval given from the CLI completes a waiting run, and
runs, steps and reconciliation reports read back through ``workflows``/``reconcile``."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from dbos import DBOS
from typer.testing import CliRunner

from healthbridge.cli import output, reconcile_cmd, tasks_cmd, workflows_cmd
from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.sandbox.odoo import start_sandbox
from healthbridge.sandbox.supplier import start_supplier
from healthbridge.workflows.batch import BatchRun, start_batch_sync
from healthbridge.workflows.replenishment import start_replenishment
from tests.integration.workflows.harness import open_stack, stock_low

runner = CliRunner()
WAIT = 20.0


@dataclass
class Worker:
    """A workflow stack running in its own thread and loop, as a worker process would."""

    data_dir: Path
    ready: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    results: dict[str, Any] = field(default_factory=dict)
    error: BaseException | None = None

    def run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:
            self.error = exc
            self.ready.set()

    async def _main(self) -> None:
        odoo = await start_sandbox()
        supplier = await start_supplier()
        try:
            async with open_stack(
                store_url=f"sqlite+aiosqlite:///{(self.data_dir / 'healthbridge.db').as_posix()}",
                data_dir=self.data_dir,
                odoo_url=odoo.url,
                odoo_database=odoo.database,
                odoo_api_key=odoo.api_keys["hub-integration"],
                settings=WorkflowsSettings(supplier_url=supplier.url, approval_threshold=100),
            ):
                (report,) = await (
                    await start_batch_sync(BatchRun("cli", ("product.product",)))
                ).get_result()
                self.results["report_id"] = report.report_id
                handle = await start_replenishment(stock_low("cli-approval"))
                await DBOS.get_event_async(handle.workflow_id, "phase", timeout_seconds=WAIT)
                self.results["workflow_id"] = handle.workflow_id
                self.ready.set()
                outcome = asyncio.ensure_future(handle.get_result())
                while not self.stop.is_set():
                    if outcome.done():
                        self.results["outcome"] = outcome.result()
                    await asyncio.sleep(0.05)
                outcome.cancel()
        finally:
            await supplier.stop()
            await odoo.stop()


@pytest.fixture
def worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Worker]:
    monkeypatch.setenv("HEALTHBRIDGE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(output.console, "width", 240)
    running = Worker(tmp_path)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    assert running.ready.wait(WAIT)
    if running.error is not None:
        raise running.error
    try:
        yield running
    finally:
        running.stop.set()
        thread.join(WAIT)


def test_an_approval_given_from_the_cli_completes_the_waiting_run(worker: Worker) -> None:
    workflow_id = worker.results["workflow_id"]
    listed = runner.invoke(tasks_cmd.app, ["list", "--state", "open"], terminal_width=200)
    assert listed.exit_code == 0, listed.output
    assert f"{workflow_id}/approval" in listed.output

    approved = runner.invoke(tasks_cmd.app, ["approve", f"{workflow_id}/approval", "--by", "alice"])
    assert approved.exit_code == 0, approved.output
    deadline = threading.Event()
    for _ in range(int(WAIT / 0.05)):
        if "outcome" in worker.results:
            break
        deadline.wait(0.05)
    assert worker.results["outcome"].state == "completed"

    again = runner.invoke(
        tasks_cmd.app, ["reject", f"{workflow_id}/approval", "--by", "bob", "--reason", "late"]
    )
    assert again.exit_code == 1
    assert "already approved" in again.output


def test_workflows_list_and_show_give_status_steps_and_timings(worker: Worker) -> None:
    workflow_id = worker.results["workflow_id"]
    listed = runner.invoke(
        workflows_cmd.app, ["list", "--name", "replenishment"], terminal_width=200
    )
    assert listed.exit_code == 0, listed.output
    assert workflow_id in listed.output

    shown = runner.invoke(workflows_cmd.app, ["show", workflow_id], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    for step in ("approval_policy", "check_supplier", "open_approval_task", "done"):
        assert step in shown.output
    assert '"sku": "CTH-FOL-12"' in shown.output

    missing = runner.invoke(workflows_cmd.app, ["show", "no-such-run"])
    assert missing.exit_code == 1
    assert "workflows.not_found" in missing.output


def test_reconcile_show_lists_reports_and_each_difference(worker: Worker) -> None:
    listed = runner.invoke(reconcile_cmd.app, ["show"], terminal_width=200)
    assert listed.exit_code == 0, listed.output
    assert "batch-cli/product.product" in listed.output

    shown = runner.invoke(
        reconcile_cmd.app, ["show", str(worker.results["report_id"])], terminal_width=200
    )
    assert shown.exit_code == 0, shown.output
    assert "missing_in_target" in shown.output
    assert "(absent)" in shown.output
