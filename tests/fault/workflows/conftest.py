"""Fault-test fixtures: workflow workers as real processes, and the peers they use."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest
from sqlalchemy.engine import make_url

from healthbridge.sandbox.payer import RunningPayer, start_payer
from healthbridge.sandbox.supplier import RunningSupplier, start_supplier
from tests.support.sandbox import SandboxProcess, spawn_sandbox_process
from tests.support.store import BACKENDS, POSTGRES_ENV, _admin_connect, postgres_server_url

REPO = Path(__file__).resolve().parents[3]
LINE_TIMEOUT = 30.0


class Worker:
    """A worker subprocess and the JSON lines it prints."""

    def __init__(self, process: asyncio.subprocess.Process, stderr: IO[bytes]) -> None:
        self.process = process
        self._stderr = stderr

    def stderr_text(self) -> str:
        """What the worker logged (for failure messages)."""
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")[-4000:]

    async def expect(self, key: str, within: float = LINE_TIMEOUT) -> Any:
        """The value of the next line holding ``key``; fails with the worker's log."""
        assert self.process.stdout is not None
        deadline = asyncio.get_running_loop().time() + within
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"no {key!r} line in {within}s:\n{self.stderr_text()}")
            try:
                line = await asyncio.wait_for(self.process.stdout.readline(), remaining)
            except TimeoutError:
                continue
            if not line:
                raise AssertionError(f"worker exited before {key!r}:\n{self.stderr_text()}")
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict) and key in value:
                return value[key]

    async def go(self) -> None:
        """Release a worker spawned with ``hold=True`` (it waits for a line on stdin)."""
        await self.expect("loaded")
        assert self.process.stdin is not None
        self.process.stdin.write(b"go\n")
        await self.process.stdin.drain()

    async def kill(self) -> None:
        """SIGKILL: the worker dies wherever it is."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def close(self) -> None:
        """Kill if running and release the log file."""
        await self.kill()
        self._stderr.close()


WorkerFactory = Callable[..., Awaitable[Worker]]


@pytest.fixture(scope="module")
def odoo_process() -> Iterator[SandboxProcess]:
    """One Odoo sandbox process for the module; each run writes under its own reference."""
    sandbox = spawn_sandbox_process()
    try:
        yield sandbox
    finally:
        sandbox.close()


@pytest.fixture
async def supplier() -> AsyncIterator[RunningSupplier]:
    """A supplier sandbox in the test's loop, on a free port."""
    running = await start_supplier()
    try:
        yield running
    finally:
        await running.stop()


@dataclass(frozen=True)
class Databases:
    """Where the workers keep state: the hub's store and DBOS's system database."""

    store_url: str
    system_url: str


@pytest.fixture(params=BACKENDS)
async def databases(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Databases]:
    """Fresh databases on SQLite and (when configured) PostgreSQL: one store, one DBOS."""
    if request.param == "sqlite":
        yield Databases(
            f"sqlite+aiosqlite:///{(tmp_path / 'store.db').as_posix()}",
            f"sqlite:///{(tmp_path / 'dbos.sqlite').as_posix()}",
        )
        return
    server = postgres_server_url()
    if server is None:
        pytest.skip(f"PostgreSQL workflow tests need {POSTGRES_ENV}")
    names = [f"hb_wf_{uuid.uuid4().hex[:12]}", f"hb_dbos_{uuid.uuid4().hex[:12]}"]
    admin = await _admin_connect(server)
    try:
        for name in names:
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = make_url(server)
    try:
        yield Databases(
            base.set(database=names[0]).render_as_string(hide_password=False),
            base.set(drivername="postgresql", database=names[1]).render_as_string(
                hide_password=False
            ),
        )
    finally:
        admin = await _admin_connect(server)
        try:
            for name in names:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture
def sqlite_databases(tmp_path: Path) -> Databases:
    """SQLite only: the store and DBOS files in the test's folder."""
    return Databases(
        f"sqlite+aiosqlite:///{(tmp_path / 'store.db').as_posix()}",
        f"sqlite:///{(tmp_path / 'dbos.sqlite').as_posix()}",
    )


@pytest.fixture
async def payer() -> AsyncIterator[RunningPayer]:
    """A payer sandbox in the test's loop, on a free port."""
    running = await start_payer()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def spawn_worker(
    odoo_process: SandboxProcess,
    supplier: RunningSupplier,
    payer: RunningPayer,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> AsyncIterator[WorkerFactory]:
    """``await spawn_worker(settings={...}, start="evt")``: a worker process on shared state."""
    workers: list[Worker] = []

    async def spawn(**options: Any) -> Worker:
        dbs: Databases = (
            request.getfixturevalue("databases")
            if "databases" in request.fixturenames
            else request.getfixturevalue("sqlite_databases")
        )
        settings = {
            "supplier_url": supplier.url,
            "heartbeat_seconds": 0.2,
            "system_database_url": dbs.system_url,
            "payer_url": payer.url,
            "payer_client_secret": payer.state.client_secret,
        }
        settings.update(options.pop("settings", {}))
        full = {
            "store_url": dbs.store_url,
            "data_dir": str(tmp_path),
            "odoo_url": odoo_process.url,
            "odoo_database": odoo_process.database,
            "odoo_api_key": odoo_process.api_keys["hub-integration"],
            "settings": settings,
            **options,
        }
        stderr = tempfile.TemporaryFile()  # noqa: SIM115 - owned by the Worker
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.fault.workflows.worker_process",
            json.dumps(full),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        worker = Worker(process, stderr)
        workers.append(worker)
        return worker

    try:
        yield spawn
    finally:
        for worker in workers:
            await worker.close()
