"""The workflow commands teach: each one's help has examples, and bad input says what to do."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from healthbridge.cli import reconcile_cmd, tasks_cmd, workflows_cmd

runner = CliRunner()
APPS = {"workflows": workflows_cmd.app, "tasks": tasks_cmd.app, "reconcile": reconcile_cmd.app}
COMMANDS = [
    (group, name)
    for group, app in APPS.items()
    for name in typer.main.get_command(app).commands  # type: ignore[attr-defined]
]


@pytest.mark.parametrize(("group", "command"), COMMANDS, ids=" ".join)
def test_every_workflow_command_has_examples_in_its_help(group: str, command: str) -> None:
    result = runner.invoke(APPS[group], [command, "--help"], terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "Examples" in result.output


def test_the_command_sets_are_complete() -> None:
    assert sorted(c for g, c in COMMANDS if g == "workflows") == [
        "cancel",
        "list",
        "resume",
        "retry",
        "show",
    ]
    assert sorted(c for g, c in COMMANDS if g == "tasks") == ["approve", "list", "reject"]
    assert sorted(c for g, c in COMMANDS if g == "reconcile") == ["run", "show"]


def test_an_unknown_status_is_refused_with_the_choices(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HEALTHBRIDGE_DATA_DIR", str(tmp_path))
    result = runner.invoke(workflows_cmd.app, ["list", "--status", "sleeping"])
    assert result.exit_code == 2
    assert "PENDING" in result.output


def test_listing_runs_before_any_worker_ran_says_what_to_do(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HEALTHBRIDGE_DATA_DIR", str(tmp_path))
    result = runner.invoke(workflows_cmd.app, ["list"])
    assert result.exit_code == 1
    assert "start a worker" in result.output


def test_reconciling_an_unmirrored_model_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HEALTHBRIDGE_DATA_DIR", str(tmp_path))
    result = runner.invoke(reconcile_cmd.app, ["run", "--model", "hr.employee"])
    assert result.exit_code == 2
    assert "product.product" in result.output
