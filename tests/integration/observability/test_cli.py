"""`healthbridge slo status` and `healthbridge trace business` on a real SQLite store."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthbridge.cli import output
from healthbridge.cli.slo_cmd import app as slo_app
from healthbridge.cli.trace_cmd import app as trace_app
from healthbridge.observability import SliSample
from healthbridge.store.business_events import BusinessEvents
from healthbridge.store.engine import create_store_engine
from healthbridge.store.migrate import upgrade
from healthbridge.store.sli_samples import SliSamples

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite store the CLI finds through its settings."""
    url = f"sqlite+aiosqlite:///{(tmp_path / 'hub.db').as_posix()}"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HEALTHBRIDGE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HEALTHBRIDGE_STORE__URL", url)
    monkeypatch.setattr(output.console, "width", 250)
    asyncio.run(upgrade(url))
    return url


def _seed(url: str, samples: list[SliSample], events: list[tuple[str, ...]]) -> None:
    async def seed() -> None:
        engine = create_store_engine(url)
        try:
            await SliSamples(engine).add(samples)
            for key, step, system, ref, ago in events:
                at = datetime.now(UTC) - timedelta(hours=float(ago))
                await BusinessEvents(engine).record(key, step, system, ref, at)
        finally:
            await engine.dispose()

    asyncio.run(seed())


def test_slo_status_shows_budget_burn_and_the_firing_alert(store: str) -> None:
    now = datetime.now(UTC)
    _seed(
        store,
        [
            SliSample("payer-claims", "availability", now - timedelta(minutes=m), 95, 100)
            for m in range(60)
        ]
        + [SliSample("odoo-inventory", "availability", now, 100, 100)],
        [],
    )
    table = runner.invoke(slo_app, ["status"])
    assert table.exit_code == 0, table.output
    assert "payer-claims" in table.output
    assert "fast, slow" in table.output
    assert "burn 5m" in table.output

    as_json = runner.invoke(slo_app, ["status", "--json", "--integration", "payer-claims"])
    [status] = json.loads(as_json.output)
    assert status["burn_rates"]["1h"] == 50.0
    assert status["alerts_firing"] == ["fast", "slow"]
    assert status["total"] == 6000

    assert runner.invoke(slo_app, ["status", "--fail-on-alert"]).exit_code == 1
    calm = runner.invoke(slo_app, ["status", "--integration", "odoo-inventory", "--fail-on-alert"])
    assert calm.exit_code == 0, calm.output


def test_slo_status_without_samples_says_where_they_come_from(store: str) -> None:
    result = runner.invoke(slo_app, ["status"])
    assert result.exit_code == 0
    assert "no SLI samples yet" in result.output


def test_trace_business_shows_the_timeline_and_flags_the_overdue_step(store: str) -> None:
    _seed(
        store,
        [],
        [
            ("supply:SR-1042", "supply_request", "hub", "SR-1042", "5"),
            ("supply:SR-1042", "purchase_order", "odoo", "purchase.order/17", "4.5"),
            ("adt:V9", "admission", "ehr", "MSG1", "1"),
        ],
    )
    result = runner.invoke(trace_app, ["business", "adt:V9"])
    assert result.exit_code == 0, result.output
    assert "patient (overdue)" in result.output
    assert "admission" in result.output

    as_json = json.loads(runner.invoke(trace_app, ["business", "supply:SR-1042", "--json"]).output)
    assert as_json["chain"] == "supply"
    assert [s["status"] for s in as_json["steps"]][:3] == ["on_time", "on_time", "pending"]
    assert as_json["steps"][1]["record"] == "purchase.order/17"
    assert as_json["problems"] == []

    recent = runner.invoke(trace_app, ["recent"])
    assert recent.output.split() == ["adt:V9", "supply:SR-1042"]


def test_trace_of_an_unknown_key_exits_with_one_and_says_what_to_do(store: str) -> None:
    result = runner.invoke(trace_app, ["business", "supply:nope"])
    assert result.exit_code == 1
    assert "trace.unknown_key" in result.output
    assert "trace recent" in result.output
