"""The command line teaches: every command explains itself and shows examples."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from healthbridge.cli import app, output

runner = CliRunner()


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in group.commands.items():
        path = (*prefix, name)
        if isinstance(command, typer.core.TyperGroup):
            found.extend(_commands(command, path))
        else:
            found.append(path)
    return found


COMMANDS = _commands(typer.main.get_command(app))


def test_the_root_help_lists_every_command_group() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for group in ("demo", "config", "odoo", "capture", "store", "sandbox", "serve"):
        assert group in result.output


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_examples_in_its_help(command: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*command, "--help"], terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "Examples" in result.output
    assert f"healthbridge {' '.join(command)}" in result.output


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output.console, "width", 250)
    monkeypatch.setattr(output.errors, "width", 250)


def test_config_show_masks_secrets(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HEALTHBRIDGE_ODOO__API_KEY", "very-secret-key")
    result = runner.invoke(app, ["config", "show"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "very-secret-key" not in result.output
    assert "odoo.api_key" in result.output
    assert "HEALTHBRIDGE_ODOO__TIMEOUT_SECONDS" in result.output


def test_a_bad_setting_is_an_error_naming_the_key_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HEALTHBRIDGE_ODOO__TIMEOUT_SECONDS", "soon")
    result = runner.invoke(app, ["config", "show"], terminal_width=200)
    assert result.exit_code == 2
    assert "odoo.timeout_seconds" in result.output
    assert "Traceback" not in result.output
