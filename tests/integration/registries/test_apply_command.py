"""``healthbridge apply`` changes the hub's clients and endpoints (embedded SQLite store)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthbridge.cli import catalog_cmd, plan_cmd
from healthbridge.core import Settings
from healthbridge.store import create_store_engine
from healthbridge.store.clients import ClientRegistry
from tests.integration.registries.conftest import REPO_CONTRACTS

runner = CliRunner()


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEALTHBRIDGE_GOVERNANCE__CONTRACTS_DIR", str(REPO_CONTRACTS))
    monkeypatch.setenv("HEALTHBRIDGE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("HEALTHBRIDGE_STORE__URL", raising=False)
    folder = tmp_path / "catalog"
    monkeypatch.setenv("HEALTHBRIDGE_GOVERNANCE__CATALOG_DIR", str(folder))
    assert runner.invoke(catalog_cmd.app, ["init"]).exit_code == 0
    return folder


async def _enabled_clients() -> frozenset[str]:
    engine = create_store_engine(Settings().store_url())
    try:
        return await ClientRegistry(engine).enabled_ids()
    finally:
        await engine.dispose()


def test_apply_registers_the_catalog_clients_and_says_how_to_get_their_secrets(
    catalog: Path,
) -> None:
    seeded = runner.invoke(plan_cmd.app, ["approve", "--all", "--by", "demo", "--reason", "seed"])
    assert seeded.exit_code == 0, seeded.output

    applied = runner.invoke(plan_cmd.app, ["apply", "--by", "ci", "--yes"])

    assert applied.exit_code == 0, applied.output
    assert "client medline-supplier created" in applied.output
    assert "healthbridge clients rotate-secret medline-supplier" in applied.output
    assert "healthbridge webhooks rotate-secret" in applied.output
    assert "secret_hash" not in applied.output
    assert "applied revision 1: 23 added" in applied.output
    assert "medline-supplier" in asyncio.run(_enabled_clients())
    again = runner.invoke(plan_cmd.app, ["apply", "--by", "ci", "--yes"])
    assert again.exit_code == 0, again.output
    assert "created" not in again.output
