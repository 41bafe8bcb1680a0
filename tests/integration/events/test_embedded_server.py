"""The embedded nats-server: started on a free port, durable across restarts, stopped."""

from __future__ import annotations

from pathlib import Path

import nats
import pytest

from healthbridge.events import EventServerError, PublishError, open_event_bus
from healthbridge.events.server import running_server_url, start_embedded_server
from tests.integration.events.helpers import stock_event
from tests.support.nats import events_settings


class TestEmbeddedServer:
    async def test_two_servers_start_side_by_side_on_their_own_ports(self, tmp_path: Path):
        first = await start_embedded_server(tmp_path / "a")
        second = await start_embedded_server(tmp_path / "b")
        try:
            assert first.url != second.url
            client = await nats.connect(first.url)
            assert (await client.jetstream().account_info()).storage == 0
            await client.close()
        finally:
            await first.stop()
            await second.stop()

        assert first.process.returncode == 0
        assert second.process.returncode == 0

    async def test_events_survive_a_restart_of_the_embedded_server(
        self, tmp_path: Path, events_engine
    ):
        settings = events_settings(None)
        async with open_event_bus(settings, events_engine, data_dir=tmp_path) as bus:
            published = await bus.publish(stock_event(), source_key="q:1")
            assert bus.server is not None

        async with open_event_bus(settings, events_engine, data_dir=tmp_path) as bus:
            raw = await bus.js.get_msg(published.stream, published.seq)
            again = await bus.publish(stock_event(), source_key="q:1")

        assert raw.headers["ce-id"] == published.event_id
        assert again.duplicate  # the dedupe window survives the restart too

    async def test_a_second_bus_on_the_same_folder_joins_the_running_server(
        self, tmp_path: Path, events_engine
    ):
        settings = events_settings(None)
        async with open_event_bus(settings, events_engine, data_dir=tmp_path) as hub:
            assert await running_server_url(tmp_path / "nats") == hub.server.url
            async with open_event_bus(settings, events_engine, data_dir=tmp_path) as cli:
                assert cli.server is None
                assert cli.url == hub.url

        assert await running_server_url(tmp_path / "nats") is None

    async def test_a_server_that_cannot_start_says_why(self, tmp_path: Path):
        fake = tmp_path / "nats-server"
        fake.write_text("#!/bin/sh\necho 'bad config' >&2\nexit 1\n")
        fake.chmod(0o755)

        with pytest.raises(EventServerError) as caught:
            await start_embedded_server(tmp_path / "data", binary=fake, startup_timeout=5)

        assert "bad config" in caught.value.safe_message


class TestUnacknowledgedPublish:
    async def test_a_publish_the_server_never_acknowledges_is_an_error(
        self, tmp_path: Path, events_engine
    ):
        settings = events_settings(None, publish_ack_timeout_seconds=1.0)
        async with open_event_bus(settings, events_engine, data_dir=tmp_path) as bus:
            await bus.server.stop(grace=1.0)

            with pytest.raises(PublishError) as caught:
                await bus.publish(stock_event(), source_key="q:1")

        assert caught.value.code == "events.publish_failed"
        assert caught.value.details["failed"] == 1
