"""A poller killed with SIGKILL mid-run resumes from its stored watermark and misses nothing."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr

from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.settings import OdooSettings
from healthbridge.store import ChangeLog, Watermarks, create_store_engine

HELPER = Path(__file__).with_name("poller_process.py")
FAKE_RECORDS = 120
KILL_AFTER_PAGES = 6
PAGE_SIZE = 10


async def spawn(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(HELPER),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def kill_after_pages(
    process: asyncio.subprocess.Process, pages: int, peer_log: Callable[[], str] = str
) -> None:
    assert process.stdout is not None
    assert process.stderr is not None
    seen = 0
    async with asyncio.timeout(30):
        while seen < pages:
            line = (await process.stdout.readline()).decode()
            assert line, (await process.stderr.read()).decode() + peer_log()[-4000:]
            seen += line.startswith("page ")
    process.send_signal(signal.SIGKILL)
    await process.communicate()
    assert process.returncode == -signal.SIGKILL


async def run_to_the_end(*args: str, peer_log: Callable[[], str] = str) -> dict:
    process = await spawn(*args)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode() + peer_log()[-4000:]
    return json.loads(out.decode().splitlines()[-1].removeprefix("done "))


async def snapshot(url: str):
    engine = create_store_engine(url)
    try:
        rows = await ChangeLog(engine).since(0, limit=100_000)
        return rows, await Watermarks(engine).get("res.partner")
    finally:
        await engine.dispose()


class TestPollerKilled:
    async def test_a_killed_poller_resumes_from_its_watermark_and_misses_nothing(self, store_url):
        args = (store_url, "fake", str(FAKE_RECORDS))
        await kill_after_pages(await spawn(*args), KILL_AFTER_PAGES)

        before, mark = await snapshot(store_url)
        assert mark is not None, "each committed page stored its watermark"
        assert 0 < len(before) < FAKE_RECORDS

        summary = await run_to_the_end(*args)

        after, _ = await snapshot(store_url)
        assert sorted(row.record_id for row in after) == list(range(1, FAKE_RECORDS + 1))
        assert summary["new"] == FAKE_RECORDS - len(before)
        # Resumed near the watermark: at most a page plus the 2 s overlap (3 s x 7) re-read.
        assert summary["seen"] <= summary["new"] + PAGE_SIZE + 3 * 7

    async def test_a_poller_of_the_sandbox_killed_mid_run_misses_no_change(
        self, store_url, odoo_sandbox_process
    ):
        sandbox = odoo_sandbox_process
        settings = OdooSettings(
            url=sandbox.url,
            database=sandbox.database,
            login="admin",
            api_key=SecretStr(sandbox.api_keys["admin"]),
        )
        async with await OdooClient.connect(settings) as admin:
            for batch in range(6):
                await admin.create(
                    "res.partner", [{"name": f"Batch {batch} #{n}"} for n in range(17)]
                )
            args = (
                store_url,
                "odoo",
                sandbox.url,
                sandbox.database,
                sandbox.api_keys["hub-integration"],
            )
            await kill_after_pages(await spawn(*args), 4, sandbox.stderr_text)
            before, mark = await snapshot(store_url)
            assert mark is not None
            await admin.create("res.partner", [{"name": "Written while the poller was dead"}])

            await run_to_the_end(*args, peer_log=sandbox.stderr_text)

            current = await admin.search_read(
                "res.partner", [], ["id", "write_date"], context={"active_test": False}
            )
        after, _ = await snapshot(store_url)
        logged = [(row.record_id, row.write_date) for row in after]
        assert len(logged) == len(set(logged))
        expected = {
            (row["id"], datetime.fromisoformat(row["write_date"]).replace(tzinfo=UTC))
            for row in current
        }
        assert expected <= set(logged)
        assert len(before) < len(after)
