"""`healthbridge contracts`: a person sees what a change breaks, CI sees the exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthbridge.cli import app, output

ROOT = Path(__file__).resolve().parents[3] / "contracts"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output.console, "width", 250)


def test_a_removed_required_field_is_breaking_and_exits_with_one(tmp_path: Path) -> None:
    document = json.loads((ROOT / "OdooChange" / "1.0.0.json").read_text())
    document["properties"].pop("record_id")
    document["required"].remove("record_id")
    changed = tmp_path / "odoo-change-next.json"
    changed.write_text(json.dumps(document))
    result = runner.invoke(
        app, ["contracts", "diff", "OdooChange@1.0.0", str(changed), "--root", str(ROOT)]
    )
    assert result.exit_code == 1, result.output
    assert "breaking" in result.output
    assert "/properties/record_id" in result.output


def test_a_contract_compared_with_its_model_is_identical(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["contracts", "diff", "OdooChange@1.0.0", "OdooChange", "--root", str(ROOT), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["verdict"] == "identical"


def test_every_committed_contract_is_current() -> None:
    result = runner.invoke(app, ["contracts", "status", "--root", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert "changed" not in result.output
