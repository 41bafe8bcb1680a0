"""A webhook receiver on a raw socket, so tests see the exact request bytes Odoo would send."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as it arrived: request line, header lines in order, body, arrival time."""

    request_line: str
    header_lines: list[str]
    body: bytes
    arrived: float
    """time.monotonic() when the body was complete."""

    def header(self, name: str) -> str | None:
        for line in self.header_lines:
            key, _, value = line.partition(": ")
            if key.lower() == name.lower():
                return value
        return None


@dataclass
class Receiver:
    """Answers each POST with ``status`` after ``delay`` seconds; records what it got."""

    status: int = 200
    delay: float = 0.0
    on_request: Callable[[ReceivedRequest], Awaitable[None]] | None = None
    received: list[ReceivedRequest] = field(default_factory=list)
    answered: list[float] = field(default_factory=list)
    port: int = 0
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def url(self, path: str = "/hooks/odoo/partners?token=s3cret") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def start(self) -> Receiver:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await task

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._serve(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            request_line, *header_lines = head[:-4].split("\r\n")
            length = next(
                (
                    int(line.split(": ", 1)[1])
                    for line in header_lines
                    if line.lower().startswith("content-length:")
                ),
                0,
            )
            body = await reader.readexactly(length)
            request = ReceivedRequest(request_line, header_lines, body, time.monotonic())
            self.received.append(request)
            if self.on_request is not None:
                await self.on_request(request)
            if self.delay:
                await asyncio.sleep(self.delay)
            reason = "OK" if self.status == 200 else "Internal Server Error"
            writer.write(f"HTTP/1.1 {self.status} {reason}\r\nContent-Length: 2\r\n\r\nok".encode())
            await writer.drain()
            self.answered.append(time.monotonic())


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks/odoo/partners?token=s3cret"
