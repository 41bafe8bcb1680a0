"""A real local HTTP receiver standing in for the on-call tool and the team channel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from healthbridge.observability import configure_tracing, shutdown_tracing


@dataclass
class Receiver:
    """What the receiver got, by path; ``status`` is what it answers."""

    url: str
    received: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    status: int = 202
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def bodies(self, path: str) -> list[dict[str, Any]]:
        return self.received.get(path, [])


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """An aiohttp server on 127.0.0.1 (free port) that records every JSON POST."""
    state = Receiver(url="")

    async def handle(request: web.Request) -> web.Response:
        state.received.setdefault(request.path, []).append(await request.json())
        state.arrived.set()
        return web.Response(status=state.status)

    app = web.Application()
    app.router.add_post("/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.url = f"http://127.0.0.1:{port}"
    try:
        yield state
    finally:
        await runner.cleanup()


@pytest.fixture
async def http_session() -> AsyncIterator[aiohttp.ClientSession]:
    """One client session for the alert channels, closed after the test."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Every span the hub's tracer ends during the test, kept in memory."""
    exporter = InMemorySpanExporter()
    configure_tracing("healthbridge-test", exporter=exporter, install_global=False)
    try:
        yield exporter
    finally:
        shutdown_tracing()
