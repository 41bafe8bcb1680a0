"""Real MLLP listeners on 127.0.0.1 and a raw TCP peer that can send anything at all."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress

import pytest

from healthbridge.connectors.hl7v2 import MllpDecoder, MllpHandler, MllpListener, MllpListenerConfig
from healthbridge.mappings.hl7v2 import AckCode, build_ack, parse_message

STAMP = "20240101000000+0000"


def accepting_handler() -> MllpHandler:
    """What the hub's service will look like at its simplest: parse, then AA."""
    ids = itertools.count(1)

    async def handle(raw: bytes) -> bytes:
        message = parse_message(raw)
        return build_ack(message, AckCode.ACCEPT, control_id=f"T{next(ids)}", timestamp=STAMP)

    return handle


ListenerFactory = Callable[..., Awaitable[MllpListener]]


@pytest.fixture
async def start_listener() -> AsyncIterator[ListenerFactory]:
    """Start listeners on ephemeral ports; all are closed at the end of the test."""
    started: list[MllpListener] = []

    async def start(handler: MllpHandler | None = None, **limits: float) -> MllpListener:
        config = MllpListenerConfig(port=0, **limits)  # type: ignore[arg-type]
        listener = MllpListener(handler or accepting_handler(), config)
        await listener.start()
        started.append(listener)
        return listener

    yield start
    for listener in started:
        await listener.close()


class RawPeer:
    """A TCP client that writes arbitrary bytes and reads back MLLP frames."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.decoder = MllpDecoder(1 << 20)
        self.pending: list[bytes] = []

    async def write(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def read_ack(self) -> bytes:
        """The next ACK; fails the test if none comes within five seconds."""
        async with asyncio.timeout(5):
            while not self.pending:
                data = await self.reader.read(65536)
                if not data:
                    raise ConnectionError("the listener closed the connection")
                self.pending += self.decoder.feed(data)
        return self.pending.pop(0)

    async def closed_by_listener(self) -> bool:
        """True once the listener closes the connection; fails after five seconds."""
        async with asyncio.timeout(5):
            while True:
                try:
                    data = await self.reader.read(65536)
                except ConnectionError:
                    return True
                if not data:
                    return True
                self.pending += self.decoder.feed(data)


@asynccontextmanager
async def raw_peer(listener: MllpListener) -> AsyncIterator[RawPeer]:
    host, port = listener.address
    reader, writer = await asyncio.open_connection(host, port)
    try:
        yield RawPeer(reader, writer)
    finally:
        writer.close()
        with suppress(ConnectionError):
            await writer.wait_closed()
