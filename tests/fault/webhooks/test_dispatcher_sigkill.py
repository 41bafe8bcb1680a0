"""A delivery worker killed with SIGKILL mid-run loses nothing; repeats keep their webhook-id."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from pathlib import Path

import pytest
from standardwebhooks.webhooks import Webhook

from healthbridge.core.sections.webhooks import WebhooksSettings
from healthbridge.sandbox.receiver import WebhookReceiver
from healthbridge.store import create_store_engine
from healthbridge.webhooks import open_webhooks

HELPER = Path(__file__).with_name("worker_process.py")
EVENTS = 5000
"""The issue's drill, on the embedded default (SQLite)."""
EVENTS_POSTGRESQL = 2000
"""The same drill on PostgreSQL, smaller: it runs beside the rest of the suite on 2 cores."""
STOCK = "org.healthbridge.stock.level-changed.v1"

pytestmark = pytest.mark.slow


def event(number: int) -> dict:
    return {
        "specversion": "1.0",
        "id": f"evt-{number:06d}",
        "source": "urn:healthbridge:odoo",
        "type": STOCK,
        "subject": f"quant-{number % 97}",
        "time": "2026-11-24T10:00:00Z",
        "data": {"quantity": number},
    }


async def spawn(url: str, worker: str, log: Path, *flags: str) -> asyncio.subprocess.Process:
    with log.open("ab") as errors:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(HELPER),
            url,
            worker,
            *flags,
            stdout=asyncio.subprocess.PIPE,
            stderr=errors,
        )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 20)
    assert line.startswith(b"started"), (line, log)
    return process


class TestWorkerKilledMidRun:
    @pytest.mark.timeout(180)
    async def test_every_event_is_delivered_after_a_sigkill_with_the_same_webhook_ids(
        self, store_url, tmp_path
    ):
        spawned: list[asyncio.subprocess.Process] = []
        try:
            # Bounded, with room for a CI machine running other tests beside it.
            async with asyncio.timeout(110):
                events = EVENTS if store_url.startswith("sqlite") else EVENTS_POSTGRESQL
                await self._scenario(store_url, tmp_path / "workers.log", spawned, events)
        finally:
            for process in spawned:
                if process.returncode is None:
                    process.kill()
                    await process.wait()

    async def _scenario(
        self,
        store_url: str,
        log: Path,
        spawned: list[asyncio.subprocess.Process],
        events: int,
    ) -> None:
        kill_after = events * 3 // 10
        engine = create_store_engine(store_url)
        try:
            async with WebhookReceiver() as receiver:
                receiver.slow_down(0.002)
                async with open_webhooks(WebhooksSettings(), engine, dispatch=False) as area:
                    endpoint = await area.registry.add("pharmacy", receiver.url, [STOCK])
                    receiver.secrets = [endpoint.secret]
                    for start in range(0, events, 1000):
                        await area.accept([event(n) for n in range(start, start + 1000)])

                    began = time.monotonic()
                    first = await spawn(store_url, "worker-1", log)
                    spawned.append(first)
                    await receiver.wait_for(kill_after, within=40)
                    first.send_signal(signal.SIGKILL)
                    await first.communicate()
                    assert first.returncode == -signal.SIGKILL
                    at_kill = len(receiver.ids())
                    killed_at = time.monotonic() - began
                    assert at_kill < events, "the worker finished before it could be killed"

                    second = await spawn(store_url, "worker-2", log, "--until-done")
                    spawned.append(second)
                    out, _ = await asyncio.wait_for(second.communicate(), 80)
                    assert second.returncode == 0, f"second worker failed, see {log}"
                    finished_at = time.monotonic() - began
                    counts = json.loads(out.decode().splitlines()[-1].removeprefix("done "))

                    assert counts["delivered"] == events, counts
                    assert receiver.ids() == {f"evt-{n:06d}" for n in range(events)}
                    verifier = Webhook(endpoint.secret)
                    for item in receiver.received:
                        payload = verifier.verify(item.body, item.headers)
                        assert payload["data"]["id"] == item.webhook_id
                    repeats = len(receiver.received) - events
                    assert repeats >= 0
                    workers = {
                        a.worker
                        for d in await area.log.list(limit=events)
                        for a in await area.log.attempts(d.id)
                        if d.id % 250 == 0
                    }
                    assert workers <= {"worker-1", "worker-2"}
                    print(
                        f"killed after {at_kill} delivered ({killed_at:.1f} s); all delivered "
                        f"at {finished_at:.1f} s; {repeats} repeats (same webhook-id)"
                    )
        finally:
            await engine.dispose()
