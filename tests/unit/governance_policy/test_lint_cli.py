"""``healthbridge lint`` prints findings, exits 1 on errors, and speaks JSON and SARIF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthbridge.cli import catalog_cmd, lint_cmd
from tests.unit.governance_policy.conftest import CONTRACTS

runner = CliRunner()


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEALTHBRIDGE_GOVERNANCE__CONTRACTS_DIR", str(CONTRACTS))
    monkeypatch.setenv("HEALTHBRIDGE_DATA_DIR", str(tmp_path / "data"))
    folder = tmp_path / "catalog"
    result = runner.invoke(catalog_cmd.app, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def _break_payer_encryption(catalog: Path) -> None:
    path = catalog / "payers.yaml"
    path.write_text(path.read_text().replace("    encryption: true\n", "", 1))


def test_a_clean_catalog_lints_with_no_findings_and_exit_0(catalog: Path) -> None:
    result = runner.invoke(lint_cmd.app, ["--catalog", str(catalog)])
    assert result.exit_code == 0, result.output
    assert "no findings" in result.output


def test_an_error_is_printed_with_its_rule_and_place_and_exits_1(catalog: Path) -> None:
    _break_payer_encryption(catalog)
    result = runner.invoke(lint_cmd.app, ["--catalog", str(catalog)])
    assert result.exit_code == 1
    assert "HB010" in result.output
    assert "payers.yaml" in result.output


def test_json_output_lists_findings_with_file_and_line(catalog: Path) -> None:
    _break_payer_encryption(catalog)
    result = runner.invoke(lint_cmd.app, ["--catalog", str(catalog), "--format", "json"])
    assert result.exit_code == 1
    (finding,) = json.loads(result.output)["findings"]
    assert finding["rule_id"] == "HB010"
    assert finding["file"].endswith("payers.yaml")
    lines = (catalog / "payers.yaml").read_text().splitlines()
    assert lines[finding["line"] - 1].strip().startswith("controls:")


def test_sarif_output_reports_schema_problems_too(catalog: Path) -> None:
    path = catalog / "billing.yaml"
    path.write_text(path.read_text().replace("  tier: 1\n", "  tier: one\n", 1))
    result = runner.invoke(lint_cmd.app, ["--catalog", str(catalog), "--format", "sarif"])
    assert result.exit_code == 1
    log = json.loads(result.output)
    assert log["version"] == "2.1.0"
    (sarif_result,) = log["runs"][0]["results"]
    assert sarif_result["ruleId"] == "HB000"
    assert "spec.tier" in sarif_result["message"]["text"]
    region = sarif_result["locations"][0]["physicalLocation"]["region"]
    assert path.read_text().splitlines()[region["startLine"] - 1] == "  tier: one"


def test_catalog_validate_names_file_line_and_field(catalog: Path) -> None:
    path = catalog / "consumers.yaml"
    path.write_text(
        path.read_text().replace("  environment: production\n", "  environment: moon\n", 1)
    )
    result = runner.invoke(catalog_cmd.app, ["validate", "--catalog", str(catalog)])
    assert result.exit_code == 1
    assert "consumers.yaml:12" in result.output.replace("\n", "")
    assert "spec.environment" in result.output


def test_an_unknown_format_is_a_usage_error(catalog: Path) -> None:
    result = runner.invoke(lint_cmd.app, ["--catalog", str(catalog), "--format", "xml"])
    assert result.exit_code == 2
