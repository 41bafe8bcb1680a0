"""The audit trail across process stops: a clean stop loses nothing, a SIGKILL loses
only what was still queued, and the chain stays intact either way."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from healthbridge.store.audit_log import AuditLog
from healthbridge.store.engine import create_store_engine
from tests.integration.gateway.processes import ROOT, announced_url, registered_store

# A long flush window: entries sit in the queue until the process stops.
QUEUED = {"audit_flush_seconds": 30, "audit_batch_size": 1000, "quota_default": "1000/minute"}
CALLS = 20


async def start(url: str, data_dir: Path) -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.integration.gateway.gateway_process",
        url,
        str(data_dir),
        json.dumps(QUEUED),
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    return process, await asyncio.wait_for(announced_url(process), 60)


async def call(base: str, client_id: str, secret: str, count: int) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        token = (
            await http.post(
                f"{base}/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(client_id, secret),
            )
        ).json()["access_token"]
        for _ in range(count):
            answer = await http.get(
                f"{base}/api/v1/things/a", headers={"Authorization": f"Bearer {token}"}
            )
            assert answer.status_code == 200


async def audit_state(url: str) -> tuple[int, bool]:
    engine = create_store_engine(url)
    try:
        result = await AuditLog(engine).verify()
        return result.checked, result.intact
    finally:
        await engine.dispose()


async def test_a_clean_stop_writes_every_queued_entry(tmp_path):
    url, client_id, secret = await registered_store(tmp_path)
    process, base = await start(url, tmp_path)
    await call(base, client_id, secret, CALLS)

    assert process.stdin is not None
    process.stdin.close()
    assert await asyncio.wait_for(process.wait(), 30) == 0

    # The token request is audited too.
    assert await audit_state(url) == (CALLS + 1, True)


async def test_a_sigkill_loses_only_queued_entries_and_the_chain_continues(tmp_path):
    url, client_id, secret = await registered_store(tmp_path)
    process, base = await start(url, tmp_path)
    await call(base, client_id, secret, CALLS)

    process.send_signal(signal.SIGKILL)
    await asyncio.wait_for(process.wait(), 30)
    written, intact = await audit_state(url)

    assert intact
    assert written < CALLS + 1
    process, base = await start(url, tmp_path)
    await call(base, client_id, secret, 3)
    assert process.stdin is not None
    process.stdin.close()
    await asyncio.wait_for(process.wait(), 30)
    assert await audit_state(url) == (written + 4, True)
