"""The clients, audit and openapi commands, run as a person would (CliRunner)."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from healthbridge.cli import output
from healthbridge.cli.audit_cmd import app as audit_cli
from healthbridge.cli.clients_cmd import app as clients_cli
from healthbridge.cli.openapi_cmd import app as openapi_cli

runner = CliRunner()


@pytest.fixture(autouse=True)
def embedded_store(tmp_path, monkeypatch):
    monkeypatch.setenv("HEALTHBRIDGE_DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(output.console, "width", 250)
    monkeypatch.setattr(output.errors, "width", 250)


def test_a_client_is_added_listed_rotated_and_disabled():
    added = runner.invoke(
        clients_cli,
        [
            "add",
            "Ward portal",
            "-s",
            "inventory.read",
            "-s",
            "orders.write",
            "--purpose",
            "HOPERAT",
        ],
    )
    assert added.exit_code == 0, added.output
    client_id = re.search(r"client_id\s+(\S+)", added.output).group(1)
    secret = re.search(r"client_secret\s+(\S+)", added.output).group(1)
    assert secret.startswith("hbs_")

    listed = runner.invoke(clients_cli, ["list"])
    assert client_id in listed.output
    assert secret not in listed.output

    rotated = runner.invoke(clients_cli, ["rotate-secret", client_id, "--overlap-hours", "1"])
    assert rotated.exit_code == 0
    assert re.search(r"client_secret\s+(hbs_\S+)", rotated.output).group(1) != secret

    disabled = runner.invoke(clients_cli, ["disable", client_id])
    assert disabled.exit_code == 0
    assert f"{client_id} disabled" in disabled.output


def test_disabling_an_unknown_client_says_how_to_find_the_right_one():
    answer = runner.invoke(clients_cli, ["disable", "nobody"])

    assert answer.exit_code == 1
    assert "clients list" in answer.output


def test_a_bad_environment_is_refused():
    answer = runner.invoke(clients_cli, ["add", "x", "-s", "a.b", "--environment", "staging"])

    assert answer.exit_code == 1
    assert "dev, test, prod" in answer.output


def test_an_empty_audit_trail_verifies_and_lists():
    assert runner.invoke(audit_cli, ["verify"]).exit_code == 0
    assert runner.invoke(audit_cli, ["list"]).exit_code == 0


def test_the_openapi_document_is_3_1_and_describes_the_platform(tmp_path):
    target = tmp_path / "openapi.json"

    answer = runner.invoke(openapi_cli, ["--output", str(target)])

    assert answer.exit_code == 0, answer.output
    document = json.loads(target.read_text())
    assert document["openapi"].startswith("3.1")
    assert {"/oauth/token", "/.well-known/jwks.json", "/healthz"} <= set(document["paths"])
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
