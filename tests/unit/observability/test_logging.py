"""Logs are key-value events, and no PHI or secret reaches them."""

from __future__ import annotations

import json

import pytest
import structlog

from healthbridge.observability import REDACTED, configure_logging


def _lines(captured: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]


def test_identity_contact_and_secret_keys_are_redacted_at_any_depth(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("info", "json")
    structlog.get_logger().info(
        "patient_upserted",
        model="res.partner",
        record_id=42,
        name="Ada Okafor",
        email="ada@example.org",
        api_key="k-123",
        vals={"phone": "555-0100", "street": "12 Harbour Rd", "ref": "MRN1"},
    )
    [line] = _lines(capsys.readouterr().err)
    assert line["event"] == "patient_upserted"
    assert line["record_id"] == 42
    assert line["name"] == REDACTED
    assert line["email"] == REDACTED
    assert line["api_key"] == REDACTED
    assert line["vals"] == REDACTED
    for value in ("Ada Okafor", "ada@example.org", "k-123", "555-0100"):
        assert value not in json.dumps(line)


def test_a_logged_exception_does_not_show_local_variables(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("info", "console")
    patient_name = "Camille Moreau"  # a local the traceback must not show

    def map_patient() -> None:
        raise RuntimeError("mapping failed")

    try:
        map_patient()
    except RuntimeError:
        structlog.get_logger().exception("mapping_failed", length=len(patient_name))
    err = capsys.readouterr().err
    assert "mapping_failed" in err
    assert "RuntimeError" in err
    assert "Camille Moreau" not in err


def test_extra_sensitive_keys_can_be_added_at_start_up(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("info", "json", extra_sensitive=["member_id"])
    structlog.get_logger().info("coverage_checked", member_id="M-998877")
    [line] = _lines(capsys.readouterr().err)
    assert line["member_id"] == REDACTED
