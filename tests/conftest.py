"""Fixtures shared by every test layer; peers live in tests/support."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import structlog

pytest_plugins = ["tests.support.nats", "tests.support.sandbox", "tests.support.store"]

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared real-world test data (FHIR, HL7 v2, FEBRL), beside the clone."""
    override = os.environ.get("HEALTHBRIDGE_TEST_DATA")
    path = Path(override) if override else SHARED_DATA
    if not path.is_dir():
        pytest.skip(f"shared test data not found at {path}: set HEALTHBRIDGE_TEST_DATA")
    return path


@pytest.fixture(autouse=True)
def _structlog_defaults() -> None:
    """A command that configured logging (the CLI does) must not change the next test."""
    structlog.reset_defaults()
