"""Gateway processes on loopback for the multi-process and fault tests."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from healthbridge.store.clients import ClientRegistry
from healthbridge.store.engine import create_store_engine
from healthbridge.store.migrate import upgrade

ROOT = Path(__file__).resolve().parents[3]


@asynccontextmanager
async def gateway_processes(
    count: int, store_url: str, data_dir: Path, gateway: dict
) -> AsyncIterator[list[str]]:
    """``count`` gateway processes on one store; yields their base URLs."""
    processes = []
    try:
        for _ in range(count):
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.integration.gateway.gateway_process",
                store_url,
                str(data_dir),
                json.dumps(gateway),
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            processes.append(process)
        urls = []
        for process in processes:
            urls.append(await asyncio.wait_for(announced_url(process), 60))
        yield urls
    finally:
        for process in processes:
            if process.returncode is None:
                process.stdin.close()
        for process in processes:
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()


async def announced_url(process: asyncio.subprocess.Process) -> str:
    """The base URL a gateway process prints once it listens."""
    assert process.stdout is not None
    while True:
        line = await process.stdout.readline()
        assert line, "the gateway process exited before listening"
        if line.startswith(b"http://"):
            return line.decode().strip()


async def registered_store(tmp_path: Path) -> tuple[str, str, str]:
    """A store with one registered client: (url, client_id, secret)."""
    url = f"sqlite+aiosqlite:///{(tmp_path / 'shared.db').as_posix()}"
    await upgrade(url)
    engine = create_store_engine(url)
    try:
        client, secret = await ClientRegistry(engine).add(
            "two-process test", scopes=("inventory.read", "orders.write"), environment="dev"
        )
    finally:
        await engine.dispose()
    return url, client.client_id, secret
