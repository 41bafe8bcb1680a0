"""The plan / approve / apply / report commands, end to end on an embedded SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthbridge.cli import catalog_cmd, plan_cmd, report_cmd
from tests.integration.governance.conftest import REPO_CONTRACTS

runner = CliRunner()


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEALTHBRIDGE_GOVERNANCE__CONTRACTS_DIR", str(REPO_CONTRACTS))
    monkeypatch.setenv("HEALTHBRIDGE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("HEALTHBRIDGE_STORE__URL", raising=False)
    folder = tmp_path / "catalog"
    monkeypatch.setenv("HEALTHBRIDGE_GOVERNANCE__CATALOG_DIR", str(folder))
    assert runner.invoke(catalog_cmd.app, ["init"]).exit_code == 0
    return folder


def test_plan_approve_apply_and_report_from_the_command_line(catalog: Path, tmp_path: Path) -> None:
    planned = runner.invoke(plan_cmd.app, ["plan", "--format", "json"])
    assert planned.exit_code == 0, planned.output
    changes = json.loads(planned.output)["changes"]
    assert len(changes) == 23
    endpoint = next(c for c in changes if c["change"] == "WebhookEndpoint/medline-orders")
    assert endpoint["missing"] == ["security"]

    refused = runner.invoke(plan_cmd.app, ["apply", "--by", "ci", "--yes"])
    assert refused.exit_code == 1
    assert "approvals missing" in refused.output

    approved = runner.invoke(
        plan_cmd.app,
        ["approve", "WebhookEndpoint/medline-orders", "--by", "sec", "--reason", "GOV-101"],
    )
    assert approved.exit_code == 0, approved.output
    assert "approved WebhookEndpoint/medline-orders as security by sec" in approved.output
    ambiguous = runner.invoke(
        plan_cmd.app, ["approve", "Integration/supply-replenishment", "--by", "x", "--reason", "y"]
    )
    assert ambiguous.exit_code == 1
    assert "--role" in ambiguous.output

    seeded = runner.invoke(plan_cmd.app, ["approve", "--all", "--by", "demo", "--reason", "seed"])
    assert seeded.exit_code == 0, seeded.output
    applied = runner.invoke(plan_cmd.app, ["apply", "--by", "ci", "--yes"])
    assert applied.exit_code == 0, applied.output
    assert "applied revision 1: 23 added, 0 changed, 0 removed" in applied.output
    again = runner.invoke(plan_cmd.app, ["plan"])
    assert "no changes" in again.output
    listed = runner.invoke(plan_cmd.app, ["approvals", "--limit", "100"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.count("security") >= 5

    out = tmp_path / "portfolio.html"
    report = runner.invoke(report_cmd.app, ["portfolio", "--format", "html", "--out", str(out)])
    assert report.exit_code == 0, report.output
    assert "<h1>Integration portfolio</h1>" in out.read_text()
    markdown = runner.invoke(report_cmd.app, ["portfolio"])
    assert "## By domain" in markdown.output


def test_approving_an_unknown_change_says_how_to_find_one(catalog: Path) -> None:
    result = runner.invoke(
        plan_cmd.app, ["approve", "Integration/nope", "--by", "x", "--reason", "y"]
    )
    assert result.exit_code == 1
    assert "healthbridge plan" in result.output
