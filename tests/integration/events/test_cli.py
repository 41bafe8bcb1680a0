"""``healthbridge dlq`` and ``healthbridge events`` against an embedded server and a store."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthbridge.bootstrap import open_store
from healthbridge.cli import dlq_cmd, events_cmd, output
from healthbridge.core import load_settings
from healthbridge.events import open_event_bus
from tests.integration.events.helpers import STOCK, Collector, eventually, stock_event
from tests.integration.events.test_backbone import always_fail
from tests.support.nats import TEST_KEY

runner = CliRunner()


@pytest.fixture
def hub_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEALTHBRIDGE_DATA_DIR", str(tmp_path / "hub"))
    monkeypatch.setenv("COLUMNS", "250")
    # The CLI's console may have fixed its width at import (COLUMNS of that process).
    monkeypatch.setattr(output.console, "_width", 250)
    monkeypatch.setenv("HEALTHBRIDGE_EVENTS__MAX_DELIVERIES", "2")
    monkeypatch.setenv("HEALTHBRIDGE_EVENTS__NAK_INITIAL_BACKOFF_SECONDS", "0.05")
    monkeypatch.setenv("HEALTHBRIDGE_EVENTS__FETCH_TIMEOUT_SECONDS", "0.2")
    monkeypatch.setenv("HEALTHBRIDGE_EVENTS__ENCRYPTION_KEYS", f'{{"k1": "{TEST_KEY}"}}')
    monkeypatch.chdir(tmp_path)
    return tmp_path / "hub"


async def _one_dead_letter() -> None:
    settings = load_settings()
    async with (
        open_store(settings) as store,
        open_event_bus(settings.events, store.engine, data_dir=settings.data_dir) as bus,
    ):
        await bus.subscribe("fragile", [STOCK], ["events:read"], Collector(always_fail))
        await bus.publish(stock_event(), source_key="q:1")

        async def dead() -> bool:
            return await bus.dead_letters.count() == 1

        await eventually(dead)


class TestEventsCli:
    def test_an_operator_lists_shows_and_redrives_a_dead_letter(self, hub_env: Path):
        asyncio.run(_one_dead_letter())

        listed = runner.invoke(dlq_cmd.app, ["list"], terminal_width=200)
        assert listed.exit_code == 0, listed.output
        assert "fragile" in listed.output
        assert "test.broken" in listed.output

        shown = runner.invoke(dlq_cmd.app, ["show", "1", "--payload"], terminal_width=200)
        assert shown.exit_code == 0, shown.output
        assert "the downstream system refused the event" in shown.output
        assert "ce-type" in shown.output

        redriven = runner.invoke(dlq_cmd.app, ["redrive", "1"])
        assert redriven.exit_code == 0, redriven.output
        assert "re-drove dead letter 1" in redriven.output
        after = runner.invoke(dlq_cmd.app, ["list", "--status", "dead"], terminal_width=200)
        assert "fragile" not in after.output

    def test_redrive_needs_an_id_or_all(self, hub_env: Path):
        result = runner.invoke(dlq_cmd.app, ["redrive"])

        assert result.exit_code == 2
        assert "--all" in result.output

    def test_an_unknown_dead_letter_is_a_clear_error(self, hub_env: Path):
        result = runner.invoke(dlq_cmd.app, ["show", "99"])

        assert result.exit_code == 1
        assert "events.unknown_dead_letter" in result.output

    def test_streams_subscriptions_and_replay_are_shown(self, hub_env: Path):
        asyncio.run(_one_dead_letter())

        streams = runner.invoke(events_cmd.app, ["streams"], terminal_width=250)
        assert streams.exit_code == 0, streams.output
        assert "HB_INVENTORY" in streams.output

        subscriptions = runner.invoke(events_cmd.app, ["subscriptions"], terminal_width=250)
        assert subscriptions.exit_code == 0, subscriptions.output
        assert "fragile" in subscriptions.output
        assert "HB_INVENTORY" in subscriptions.output

        replayed = runner.invoke(events_cmd.app, ["replay", "fragile", "--from-seq", "1"])
        assert replayed.exit_code == 0, replayed.output
        assert "HB_INVENTORY" in replayed.output

    def test_replaying_an_unknown_subscription_says_where_to_look(self, hub_env: Path):
        result = runner.invoke(
            events_cmd.app, ["replay", "nobody", "--since", "2026-11-24T08:00:00"]
        )

        assert result.exit_code == 1
        assert "events.unknown_subscription" in result.output

    def test_tail_stops_after_its_time_with_what_it_saw(self, hub_env: Path):
        result = runner.invoke(events_cmd.app, ["tail", "--seconds", "0.3"])

        assert result.exit_code == 0, result.output
        assert "0 event(s)" in result.output
