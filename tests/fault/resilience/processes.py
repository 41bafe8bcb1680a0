"""The peers of the resilience faults as real OS processes: the hub, nats-server, a client.

- ``HubProcess``: ``hub_process.py`` (what ``healthbridge serve`` runs) with a test's environment
  (its own data dir and SQLite store, short poll and breaker timings), started again on
  the same store after a SIGKILL.
- ``NatsProcess``: an external ``nats-server -js`` on a fixed free port and store dir, so
  it can be SIGKILLed and started again where it was.
- ``HubClient``: an API client registered in the hub's store, with a token, over httpx.
- ``stream_messages``: every message of every stream of the server, read with nats-py.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

import httpx
import nats

from healthbridge.events import find_server_binary
from healthbridge.store import create_store_engine, upgrade
from healthbridge.store.clients import ClientRegistry

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[3]
"""The checkout (``python -m tests.fault.resilience.hub_process`` runs from there)."""
HUB_START_TIMEOUT = 30.0
LISTENING = re.compile(r"hub listening on (http://\S+?);")


def free_port() -> int:
    """A loopback port free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class DeadlineExceededError(AssertionError):
    """What ``eventually`` raises: the awaited state was not reached in time."""


async def eventually(
    probe: Callable[[], Awaitable[T | None]],
    *,
    within: float,
    every: float = 0.2,
    what: str | Callable[[], str],
) -> T:
    """Poll ``probe`` until it returns something truthy; fail naming ``what`` after ``within``.

    ``what`` may be a function, called on failure (to describe the state then).
    """
    deadline = time.monotonic() + within
    last: T | None = None
    while True:
        last = await probe()
        if last:
            return last
        if time.monotonic() > deadline:
            described = what() if callable(what) else what
            raise DeadlineExceededError(f"not within {within:.0f} s: {described} (last: {last!r})")
        await asyncio.sleep(every)


async def _quiet(_: Exception) -> None:
    """nats-py logs a refused connection as an error; a probe expects refusals."""


@dataclass
class NatsProcess:
    """An external JetStream server on a fixed port and store dir: kill -9 and restart it."""

    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        """Where clients connect."""
        return f"nats://127.0.0.1:{self.port}"

    async def start(self, *, within: float = 15.0) -> None:
        """Start the server and wait until it answers with JetStream enabled."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.log is None:
            self.log = (self.folder / "server.log").open("ab")
        command = [
            str(find_server_binary()),
            "-js",
            "-sd",
            str(self.folder / "js"),
            "-a",
            "127.0.0.1",
            "-p",
            str(self.port),
        ]
        self.process = self._spawn(command)

        async def ready() -> bool:
            assert self.process is not None
            assert self.process.poll() is None, self.log_text()[-2000:]
            try:
                client = await nats.connect(
                    self.url, connect_timeout=1, allow_reconnect=False, error_cb=_quiet
                )
            except Exception:
                return False
            try:
                await client.jetstream().account_info()
            except Exception:
                return False
            finally:
                await client.close()
            return True

        await eventually(ready, within=within, every=0.1, what="nats-server answers")

    def _spawn(self, command: list[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        """SIGKILL: JetStream loses whatever it had not synced."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Kill the server (if running) and close its log."""
        self.kill()
        if self.log is not None:
            self.log.close()
            self.log = None

    def log_text(self) -> str:
        """What the server logged (for failure messages)."""
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


@dataclass
class HubProcess:
    """The hub (``hub_process.py``) in its own process, with the environment ``env``."""

    env: Mapping[str, str]
    process: subprocess.Popen[bytes] | None = None
    url: str = ""
    stdout: IO[bytes] | None = None
    stderr: IO[bytes] | None = None
    starts: int = 0

    def start(self, *, timeout: float = HUB_START_TIMEOUT) -> None:
        """Start the hub on a free port and wait for its "listening" line."""
        assert self.process is None or self.process.poll() is not None, "already running"
        self.close_pipes()
        self.stdout = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close_pipes
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close_pipes
        environment = {**os.environ, **self.env, "COLUMNS": "400", "NO_COLOR": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.fault.resilience.hub_process"],
            stdout=self.stdout,
            stderr=self.stderr,
            env=environment,
            cwd=ROOT,
        )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while True:
            self.stdout.seek(0)
            printed = self.stdout.read().decode(errors="replace")
            found = LISTENING.search(printed)
            if found:
                self.url = found.group(1)
                return
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(
                    f"the hub did not start:\n{printed}\n{self.stderr_text()[-4000:]}"
                )
            time.sleep(0.05)

    @property
    def alive(self) -> bool:
        """Whether the process is running."""
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL, as in a crash or an OOM kill."""
        if self.alive:
            assert self.process is not None
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)

    def terminate(self, timeout: float = 15.0) -> None:
        """SIGTERM, then SIGKILL if it does not stop in time."""
        if self.alive:
            assert self.process is not None
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def stderr_text(self) -> str:
        """What the hub logged so far."""
        if self.stderr is None:
            return ""
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def close_pipes(self) -> None:
        """Release the pipes of the last process."""
        if self.stdout is not None:
            self.stdout.close()
            self.stdout = None
        if self.stderr is not None:
            self.stderr.close()
            self.stderr = None

    def close(self) -> None:
        """Kill the process if needed and release its pipes."""
        self.kill()
        self.close_pipes()


async def register_client(store_url: str, *scopes: str) -> tuple[str, str]:
    """Migrate the hub's store and register an API client; its id and secret."""
    await upgrade(store_url)
    engine = create_store_engine(store_url)
    try:
        client, secret = await ClientRegistry(engine).add(
            "Resilience drill", scopes=scopes, environment="dev"
        )
    finally:
        await engine.dispose()
    return client.client_id, secret


@dataclass
class HubClient:
    """An API client of a running hub: a token per call of ``token``, httpx underneath."""

    client_id: str
    secret: str
    timeout: float = 20.0

    async def token(self, base: str) -> str:
        """A fresh access token from ``base``/oauth/token."""
        async with httpx.AsyncClient(timeout=self.timeout) as http:
            answer = await http.post(
                f"{base}/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(self.client_id, self.secret),
            )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])


@dataclass(frozen=True)
class StreamMessage:
    """One stored message: its stream, sequence and headers."""

    stream: str
    seq: int
    headers: Mapping[str, str]

    @property
    def msg_id(self) -> str:
        """The JetStream dedupe id (the CloudEvent id)."""
        return self.headers.get("Nats-Msg-Id", "")

    @property
    def type(self) -> str:
        """The CloudEvent type."""
        return self.headers.get("ce-type", "")


async def stream_messages(url: str) -> list[StreamMessage]:
    """Every message stored in every stream of the server at ``url``."""
    client = await nats.connect(url, connect_timeout=5, allow_reconnect=False)
    found: list[StreamMessage] = []
    try:
        js = client.jetstream(timeout=5)
        for info in await js.streams_info():
            name = info.config.name or ""
            state = info.state
            if not state.messages:
                continue
            for seq in range(state.first_seq, state.last_seq + 1):
                try:
                    message = await js.get_msg(name, seq)
                except nats.js.errors.NotFoundError:
                    continue
                found.append(StreamMessage(name, seq, dict(message.headers or {})))
    finally:
        await client.close()
    return found


def summary(**figures: Any) -> str:
    """One line of measured figures, for the test's printed report."""
    return "  ".join(f"{key}={value}" for key, value in figures.items())
