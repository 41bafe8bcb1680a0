"""``healthbridge mappings``: versions, and a dry run printed with PHI masked by default."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthbridge.bootstrap import open_store
from healthbridge.canonical import Patient
from healthbridge.cli import mappings_cmd
from healthbridge.cli.messages_cmd import message_log
from healthbridge.core import load_settings
from healthbridge.mappings.hl7v2 import Hl7Message, parse_message, patient_from_pid
from healthbridge.mappings.registry import MappingRegistry, default_registry
from tests.unit.mappings.golden.hl7_messages import ADMISSION

runner = CliRunner()


def _one_day_later(message: Hl7Message) -> Patient:
    patient = patient_from_pid(message)
    assert patient.birth_date is not None
    return patient.model_copy(update={"birth_date": patient.birth_date + timedelta(days=1)})


def _with_candidate() -> MappingRegistry:
    registry = default_registry()
    registry.register("hl7v2.patient", "1.1.0", _one_day_later)
    return registry


async def _record_admission() -> None:
    """Recorded as the listener records it: sealed with the hub's key."""
    message = parse_message(ADMISSION)
    settings = load_settings()
    async with open_store(settings) as store:
        log = message_log(settings, store.engine)
        await log.add(
            sending_application="EHR",
            sending_facility="RIVENDELL",
            control_id=message.control_id,
            message_type=message.message_type,
            trigger_event=message.trigger_event,
            raw=ADMISSION.encode(),
            received_at=datetime(2025, 1, 2, tzinfo=UTC),
        )
        [stored] = await log.latest()
        assert stored.sealed


@pytest.fixture
def hub_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEALTHBRIDGE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(mappings_cmd, "registry_factory", _with_candidate)
    asyncio.run(_record_admission())
    return tmp_path


def test_versions_lists_each_mapping_with_its_current_version_and_candidates(
    hub_dir: Path,
) -> None:
    result = runner.invoke(mappings_cmd.app, ["versions"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "hl7v2.patient" in x)
    assert "1.0.0" in line
    assert "1.1.0" in line
    assert "odoo.product" in result.output


def test_dry_run_prints_the_differing_field_with_phi_masked(hub_dir: Path) -> None:
    result = runner.invoke(mappings_cmd.app, ["dry-run", "hl7v2.patient", "1.1.0"])
    assert result.exit_code == 0, result.output
    assert "1 replayed, 0 identical, 1 different, 0 failed" in result.output
    assert "birth_date" in result.output
    assert "1990-03-14" not in result.output
    assert "***" in result.output


def test_dry_run_shows_values_only_when_asked(hub_dir: Path) -> None:
    result = runner.invoke(mappings_cmd.app, ["dry-run", "hl7v2.patient", "1.1.0", "--show-values"])
    assert result.exit_code == 0, result.output
    assert "'1990-03-14'" in result.output
    assert "'1990-03-15'" in result.output


def test_an_unknown_version_fails_with_its_stable_code(hub_dir: Path) -> None:
    result = runner.invoke(mappings_cmd.app, ["dry-run", "hl7v2.patient", "9.9.9"])
    assert result.exit_code == 1
    assert "mapping.unknown_version" in result.output
