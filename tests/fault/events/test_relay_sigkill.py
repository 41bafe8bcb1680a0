"""The change relay killed with SIGKILL mid-way, then restarted: every event once."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nats

from healthbridge.canonical.changes import OdooChange, Watermark
from healthbridge.events import EmbeddedServer, open_event_bus
from healthbridge.services.change_events import ChangeRelay
from healthbridge.store import create_store_engine, upgrade
from healthbridge.store.changes import ChangeLog
from healthbridge.store.event_cursors import RelayCursors
from tests.fault.events.relay_process import PAGE, QuantOdoo
from tests.support.nats import events_settings

CHANGES = 600
ROOT = Path(__file__).resolve().parents[3]


async def record_changes(store_url: str) -> None:
    engine = create_store_engine(store_url)
    base = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    try:
        changes = [
            OdooChange(
                model="stock.quant",
                record_id=i,
                write_date=base + timedelta(seconds=i),
                source="poller",
                observed_at=base,
            )
            for i in range(1, CHANGES + 1)
        ]
        await ChangeLog(engine).record_page(
            changes, Watermark(model="stock.quant", write_date=base, record_id=CHANGES)
        )
    finally:
        await engine.dispose()


class TestRelaySigkill:
    async def test_a_relay_killed_mid_way_republishes_without_duplicates(
        self, embedded_nats: EmbeddedServer, tmp_path: Path
    ):
        store_url = f"sqlite+aiosqlite:///{(tmp_path / 'relay.db').as_posix()}"
        await upgrade(store_url)
        await record_changes(store_url)
        settings = events_settings(embedded_nats.url)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.fault.events.relay_process", store_url,
            embedded_nats.url, settings.subject_prefix, settings.stream_prefix,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        engine = create_store_engine(store_url)
        try:
            cursors = RelayCursors(engine)
            deadline = time.monotonic() + 20
            probe = await nats.connect(embedded_nats.url)
            stream = f"{settings.stream_prefix}_INVENTORY"
            try:
                while True:  # kill after a page is published and before its cursor moves
                    if process.returncode is not None:
                        _, stderr = await process.communicate()
                        raise AssertionError(stderr.decode(errors="replace"))
                    assert time.monotonic() < deadline, "the relay made no progress"
                    position = await cursors.get("odoo-changes")
                    if position >= CHANGES // 3:
                        stored = (await probe.jetstream().stream_info(stream)).state.messages
                        if stored > position:
                            break
                    await asyncio.sleep(0.005)
            finally:
                await probe.close()
            process.send_signal(signal.SIGKILL)
            await asyncio.wait_for(process.communicate(), 10)
            killed_at = await cursors.get("odoo-changes")
            assert 0 < killed_at < CHANGES

            async with open_event_bus(settings, engine, data_dir=tmp_path) as bus:
                stream = bus.topology.stream("inventory")
                before = (await bus.js.stream_info(stream)).state.messages
                relay = ChangeRelay(
                    ChangeLog(engine), RelayCursors(engine), bus, QuantOdoo(), page_size=PAGE
                )
                published = await relay.run_until_idle()

                info = await bus.js.stream_info(stream)
                assert info.state.messages == CHANGES
                assert before > killed_at  # the kill fell after a publish, before its cursor
                assert published == CHANGES - killed_at
                ids = set()
                for seq in range(1, CHANGES + 1):
                    ids.add((await bus.js.get_msg(stream, seq)).headers["ce-id"])
                assert len(ids) == CHANGES
        finally:
            if process.returncode is None:
                process.kill()
                await process.communicate()
            await engine.dispose()
