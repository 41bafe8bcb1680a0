"""Every `healthbridge webhooks` command teaches itself with --help and examples."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from healthbridge.cli.webhooks_cmd import app

COMMANDS = [
    "add",
    "list",
    "show",
    "pause",
    "resume",
    "disable",
    "enable",
    "rotate-secret",
    "deliveries",
    "retry",
    "kill-switch",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help_with_an_example(command):
    result = CliRunner().invoke(app, [command, "--help"])

    assert result.exit_code == 0, result.output
    assert "healthbridge webhooks" in result.output


def test_the_group_lists_every_command():
    result = CliRunner().invoke(app, ["--help"])

    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.output
