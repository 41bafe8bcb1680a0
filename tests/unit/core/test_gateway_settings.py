"""Gateway settings: values that bound security-relevant timing are checked at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from healthbridge.core import ConfigError, load_settings


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in list(__import__("os").environ):
        if name.startswith("HEALTHBRIDGE_"):
            monkeypatch.delenv(name)


def test_the_idempotency_claim_timeout_is_a_setting_checked_against_the_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load_settings().gateway.idempotency_claim_timeout_seconds == 60
    monkeypatch.setenv("HEALTHBRIDGE_GATEWAY__IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS", "300")
    assert load_settings().gateway.idempotency_claim_timeout_seconds == 300

    monkeypatch.setenv("HEALTHBRIDGE_GATEWAY__IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS", "0")
    with pytest.raises(ConfigError, match="idempotency_claim_timeout_seconds"):
        load_settings()

    monkeypatch.setenv("HEALTHBRIDGE_GATEWAY__IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS", "2")
    monkeypatch.setenv("HEALTHBRIDGE_GATEWAY__IDEMPOTENCY_WAIT_SECONDS", "5")
    with pytest.raises(ConfigError, match="at least idempotency_wait_seconds"):
        load_settings()
