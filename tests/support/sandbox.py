"""Fixtures that give a test its own Odoo sandbox: in-process, in another mode, or as a process.

- ``odoo_sandbox``: a 19.0 sandbox in the test's event loop on 127.0.0.1 (free port),
  with fresh demo data, stopped after the test.
- ``odoo_sandbox_factory``: ``await odoo_sandbox_factory(server_version="17.0", ...)``
  takes the keyword arguments of ``start_sandbox``; every sandbox it made is stopped
  after the test.
- ``odoo_sandbox_process``: a real ``python -m healthbridge.sandbox.odoo --port 0``
  subprocess (for fault tests that SIGKILL it); killed after the test.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import pytest

from healthbridge.sandbox.odoo import RunningSandbox, start_sandbox

SandboxFactory = Callable[..., Awaitable[RunningSandbox]]

PROCESS_START_TIMEOUT = 20.0


@pytest.fixture
async def odoo_sandbox() -> AsyncIterator[RunningSandbox]:
    """A fresh 19.0 sandbox on 127.0.0.1, running in the test's event loop."""
    sandbox = await start_sandbox()
    try:
        yield sandbox
    finally:
        await sandbox.stop()


@pytest.fixture
async def odoo_sandbox_factory() -> AsyncIterator[SandboxFactory]:
    """Start sandboxes with ``start_sandbox``'s keyword arguments; all stopped after the test."""
    started: list[RunningSandbox] = []

    async def start(**options: Any) -> RunningSandbox:
        sandbox = await start_sandbox(**options)
        started.append(sandbox)
        return sandbox

    try:
        yield start
    finally:
        for sandbox in reversed(started):
            await sandbox.stop()


@dataclass
class SandboxProcess:
    """A sandbox in its own OS process, described by the JSON line it printed on start."""

    url: str
    database: str
    server_version: str
    api_keys: dict[str, str]
    control_token: str
    process: subprocess.Popen[bytes]
    args: tuple[str, ...] = ()
    stderr: IO[bytes] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        """The OS process id."""
        return self.process.pid

    @property
    def port(self) -> int:
        """The port it listens on."""
        return int(self.url.rsplit(":", 1)[1])

    @property
    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.process.poll() is None

    def terminate(self, timeout: float = 10.0) -> int:
        """SIGTERM, then wait for a clean exit; returns the exit code."""
        if self.alive:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def kill(self) -> int:
        """SIGKILL: the process dies mid-whatever, as in a crash."""
        if self.alive:
            self.process.kill()
        return self.process.wait(timeout=10.0)

    def restart(self) -> None:
        """Start a new process on the same port with the same keys and token (after a kill)."""
        self.kill()
        fresh = spawn_sandbox_process(
            *self.args,
            port=self.port,
            api_keys=self.api_keys,
            control_token=self.control_token,
        )
        self.close()
        self.url, self.process, self.stderr = fresh.url, fresh.process, fresh.stderr

    def stderr_text(self) -> str:
        """What the process logged so far (for failure messages)."""
        if self.stderr is None:
            return ""
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def close(self) -> None:
        """Kill the process if needed and release its pipes."""
        self.kill()
        if self.process.stdout is not None:
            self.process.stdout.close()
        if self.stderr is not None:
            self.stderr.close()
            self.stderr = None


def spawn_sandbox_process(
    *args: str,
    port: int = 0,
    api_keys: dict[str, str] | None = None,
    control_token: str | None = None,
    timeout: float = PROCESS_START_TIMEOUT,
) -> SandboxProcess:
    """Run ``python -m healthbridge.sandbox.odoo`` and wait for its JSON line."""
    command = [sys.executable, "-m", "healthbridge.sandbox.odoo", "--port", str(port), *args]
    for login, key in (api_keys or {}).items():
        command.append(f"--api-key={login}={key}")
    if control_token:
        command.append(f"--control-token={control_token}")  # may start with "-"
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 - owned by the returned SandboxProcess
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr)
    try:
        line = _first_line(process, timeout)
    except Exception:
        process.kill()
        process.wait()
        stderr.seek(0)
        log = stderr.read().decode(errors="replace")
        stderr.close()
        assert process.stdout is not None
        process.stdout.close()
        raise RuntimeError(f"the sandbox process did not start:\n{log}") from None
    described = json.loads(line)
    return SandboxProcess(
        url=described["url"],
        database=described["database"],
        server_version=described["server_version"],
        api_keys=described["api_keys"],
        control_token=described["control_token"],
        process=process,
        args=tuple(args),
        stderr=stderr,
    )


def _first_line(process: subprocess.Popen[bytes], timeout: float) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while b"\n" not in buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no JSON line from the sandbox process")
            if not selector.select(remaining):
                continue
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                raise EOFError("the sandbox process exited before it was listening")
            buffer += chunk
    return buffer.split(b"\n", 1)[0].decode()


@pytest.fixture
def odoo_sandbox_process() -> Iterator[SandboxProcess]:
    """A 19.0 sandbox in a real subprocess on a free port; killed after the test."""
    sandbox = spawn_sandbox_process()
    try:
        yield sandbox
    finally:
        sandbox.close()
