"""`healthbridge webhooks`: an operator registers, inspects and controls endpoints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthbridge.cli import output
from healthbridge.cli.webhooks_cmd import app

runner = CliRunner()
ENDPOINT = re.compile(r"endpoint (\S+) added")


@pytest.fixture(autouse=True)
def _embedded_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HEALTHBRIDGE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(output.console, "width", 250)


def invoke(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def added() -> str:
    out = invoke(
        "add",
        "http://127.0.0.1:9/hooks",
        "--consumer",
        "pharmacy",
        "-e",
        "org.healthbridge.stock.*",
        "--owner",
        "team@pharmacy.example",
    )
    match = ENDPOINT.search(out)
    assert match, out
    assert re.search(r"whsec_[A-Za-z0-9+/=]{40,}", out)
    return match.group(1)


def test_an_added_endpoint_is_listed_and_shown_without_its_secret():
    endpoint = added()

    listed = invoke("list")
    shown = invoke("show", endpoint)

    assert endpoint in listed
    assert "org.healthbridge.stock.*" in listed
    assert "active" in listed
    assert "team@pharmacy.example" in shown
    assert "whsec_" not in listed + shown


def test_pause_resume_disable_and_enable_change_the_status():
    endpoint = added()

    invoke("pause", endpoint)
    assert "paused" in invoke("list")
    invoke("resume", endpoint)
    invoke("disable", endpoint)
    assert "disabled (operator)" in invoke("list")
    invoke("enable", endpoint)
    assert "active" in invoke("list")


def test_a_rotated_secret_is_printed_and_the_overlap_shown():
    endpoint = added()

    out = invoke("rotate-secret", endpoint, "--overlap-seconds", "3600")

    assert "whsec_" in out
    assert "previous secret signs until" in invoke("show", endpoint)


def test_kill_switches_are_engaged_listed_and_released():
    invoke(
        "kill-switch", "on", "--scope", "consumer", "--target", "pharmacy", "--reason", "incident"
    )

    status = invoke("kill-switch", "status")
    assert "pharmacy" in status
    assert "incident" in status
    invoke("kill-switch", "off", "--scope", "consumer", "--target", "pharmacy")
    assert "pharmacy" not in invoke("kill-switch", "status")


def test_mistakes_say_what_to_do_and_exit_non_zero():
    assert "--ordering must be one of" in invoke(
        "add", "http://x/h", "--consumer", "c", "-e", "*", "--ordering", "random", code=2
    )
    assert "name a delivery id" in invoke("retry", code=2)
    assert "webhooks list" in invoke("show", "no-such-endpoint", code=1)
    assert "no webhook delivery has id 7" in invoke("deliveries", "--attempts", "7", code=1)
    assert "must be absolute" in invoke("add", "ftp://x", "--consumer", "c", "-e", "*", code=1)


def test_the_delivery_log_lists_nothing_for_a_new_store_and_retry_counts_zero():
    added()

    assert "id" in invoke("deliveries", "--state", "failed")
    assert "0 deliveries queued again" in invoke("retry", "--since", "2026-01-01T00:00:00Z")
