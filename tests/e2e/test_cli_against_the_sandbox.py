"""The CLI against a real sandbox process: check a key, install webhook rules, poll."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthbridge.cli import app, output
from tests.support.sandbox import SandboxProcess, spawn_sandbox_process

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in list(__import__("os").environ):
        if name.startswith("HEALTHBRIDGE_") and not name.startswith("HEALTHBRIDGE_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HEALTHBRIDGE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(output.console, "width", 200)
    monkeypatch.setattr(output.errors, "width", 200)


def _use(monkeypatch: pytest.MonkeyPatch, sandbox: SandboxProcess, login: str) -> None:
    monkeypatch.setenv("HEALTHBRIDGE_ODOO__URL", sandbox.url)
    monkeypatch.setenv("HEALTHBRIDGE_ODOO__DATABASE", sandbox.database)
    monkeypatch.setenv("HEALTHBRIDGE_ODOO__LOGIN", login)
    monkeypatch.setenv("HEALTHBRIDGE_ODOO__API_KEY", sandbox.api_keys[login])


@pytest.mark.parametrize("protocol", ["json2", "jsonrpc", "xmlrpc"])
def test_odoo_check_reports_version_protocol_latency_and_rights_over_each_protocol(
    odoo_sandbox_process: SandboxProcess, monkeypatch: pytest.MonkeyPatch, protocol: str
) -> None:
    _use(monkeypatch, odoo_sandbox_process, "stock-reader")
    result = runner.invoke(
        app,
        [
            "odoo",
            "check",
            odoo_sandbox_process.url,
            "--db",
            odoo_sandbox_process.database,
            "--login",
            "stock-reader",
            "--protocol",
            protocol,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Odoo 19.0" in result.output
    assert f"protocol {protocol}" in result.output
    assert "round trip: median" in result.output
    rows = {
        line.split("│")[1].strip(): line
        for line in result.output.splitlines()
        if line.count("│") > 4
    }
    # The stock reader may read stock but write nothing, and may not read invoices.
    assert rows["stock.quant"].split("│")[2].strip() == "yes"
    assert rows["stock.quant"].split("│")[3].strip() == "no"
    assert rows["account.move"].split("│")[2].strip() == "no"
    assert odoo_sandbox_process.api_keys["stock-reader"] not in result.output


def test_odoo_check_picks_json_rpc_on_an_odoo_17(monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox = spawn_sandbox_process("--server-version", "17.0")
    try:
        _use(monkeypatch, sandbox, "admin")
        result = runner.invoke(app, ["odoo", "check", sandbox.url, "--login", "admin"])
        assert result.exit_code == 0, result.output
        assert "Odoo 17.0" in result.output
        assert "protocol jsonrpc" in result.output
    finally:
        sandbox.close()


def test_odoo_check_with_a_wrong_key_says_what_to_fix_without_a_traceback(
    odoo_sandbox_process: SandboxProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, odoo_sandbox_process, "admin")
    monkeypatch.setenv("HEALTHBRIDGE_ODOO__API_KEY", "not-the-key")
    result = runner.invoke(app, ["odoo", "check", odoo_sandbox_process.url])
    assert result.exit_code == 1
    assert "odoo.authentication" in result.output
    assert "not-the-key" not in result.output
    assert "Traceback" not in result.output


def test_install_webhooks_dry_run_masks_the_secret_and_changes_nothing(
    odoo_sandbox_process: SandboxProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, odoo_sandbox_process, "hub-integration")
    monkeypatch.setenv("HEALTHBRIDGE_CAPTURE__WEBHOOK_SECRET", "s3cret-token-value")
    result = runner.invoke(app, ["odoo", "install-webhooks", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output
    assert "s3cret-token-value" not in result.output
    assert "res.partner" in result.output
    installed = runner.invoke(app, ["odoo", "install-webhooks", "--model", "res.partner"])
    assert installed.exit_code == 0, installed.output
    assert "created" in installed.output
    again = runner.invoke(app, ["odoo", "install-webhooks", "--model", "res.partner"])
    assert again.exit_code == 0, again.output
    assert "updated" in again.output
    assert "created" not in again.output.split("Webhook rules in Odoo")[1]


def test_capture_poll_then_changes_lists_what_odoo_holds(
    odoo_sandbox_process: SandboxProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, odoo_sandbox_process, "hub-integration")
    polled = runner.invoke(app, ["capture", "poll", "--model", "purchase.order"])
    assert polled.exit_code == 0, polled.output
    assert "purchase.order" in polled.output
    listed = runner.invoke(app, ["capture", "changes", "--model", "purchase.order", "--limit", "5"])
    assert listed.exit_code == 0, listed.output
    assert "Latest 5 of" in listed.output
    assert "poller" in listed.output
