"""The MLLP sender against real loopback peers: ACKs, timeouts, refusals, hang-ups."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from healthbridge.connectors.hl7v2 import (
    MllpConnectionError,
    MllpDecoder,
    MllpSender,
    MllpTimeoutError,
    frame,
    send_message,
)
from healthbridge.mappings.hl7v2 import parse_message
from tests.integration.hl7v2.conftest import ListenerFactory
from tests.unit.hl7v2.corpus import read_sample


class ScriptedPeer:
    """A TCP server that reads frames and answers only as told (or never)."""

    def __init__(self) -> None:
        self.answer: bytes | None = None
        self.hang_up = False
        self.received: list[bytes] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        decoder = MllpDecoder(1 << 20)
        try:
            while data := await reader.read(65536):
                for message in decoder.feed(data):
                    self.received.append(message)
                    if self.hang_up:
                        return
                    if self.answer is not None:
                        writer.write(frame(self.answer))
                        await writer.drain()
        finally:
            writer.close()


@pytest.fixture
async def peer() -> AsyncIterator[ScriptedPeer]:
    scripted = ScriptedPeer()
    scripted.server = await asyncio.start_server(scripted._serve, "127.0.0.1", 0)
    scripted.port = scripted.server.sockets[0].getsockname()[1]
    yield scripted
    scripted.server.close()
    await scripted.server.wait_closed()


async def test_send_returns_the_ack_for_the_message(start_listener: ListenerFactory) -> None:
    listener = await start_listener()
    async with MllpSender(*listener.address) as sender:
        ack = parse_message(await sender.send(read_sample("adt_a01_02.hl7")))
        again = parse_message(await sender.send(read_sample("adt_a40_01.hl7")))
    assert (ack.get("MSA-1"), ack.get("MSA-2")) == ("AA", "MSG00001")
    assert again.get("MSA-2") == "8919-40"
    assert listener.stats.connections_accepted == 1


async def test_a_missing_ack_times_out_cleanly_and_the_sender_reconnects(
    peer: ScriptedPeer,
) -> None:
    data = read_sample("adt_a40_01.hl7")
    sender = MllpSender("127.0.0.1", peer.port, timeout_seconds=0.2)
    started = time.monotonic()
    with pytest.raises(MllpTimeoutError) as caught:
        await sender.send(data)
    assert time.monotonic() - started < 2
    assert caught.value.code == "mllp.timeout"
    assert not sender.connected
    peer.answer = b"MSH|^~\\&|||||||ACK|1|P|2.5.1\rMSA|AA|8919-40\r"
    assert parse_message(await sender.send(data)).get("MSA-2") == "8919-40"
    await sender.close()
    assert peer.received == [data, data]


async def test_a_peer_that_hangs_up_before_answering_is_a_connection_error(
    peer: ScriptedPeer,
) -> None:
    peer.hang_up = True
    with pytest.raises(MllpConnectionError, match="closed the connection before sending an ACK"):
        await send_message("127.0.0.1", peer.port, read_sample("adt_a40_01.hl7"), timeout_seconds=2)


async def test_a_refused_connection_is_a_connection_error_naming_the_peer(
    peer: ScriptedPeer,
) -> None:
    assert peer.server is not None
    peer.server.close()
    await peer.server.wait_closed()
    with pytest.raises(MllpConnectionError) as caught:
        await send_message("127.0.0.1", peer.port, b"MSH|^~\\&|", timeout_seconds=1)
    assert str(peer.port) in str(caught.value)
    assert caught.value.code == "mllp.connection_closed"


async def test_concurrent_sends_on_one_sender_are_serialised_and_matched(
    start_listener: ListenerFactory,
) -> None:
    listener = await start_listener()
    data = read_sample("adt_a01_02.hl7")
    messages = [data.replace(b"|MSG00001|", f"|C{n}|".encode()) for n in range(20)]
    async with MllpSender(*listener.address) as sender:
        acks = await asyncio.gather(*(sender.send(message) for message in messages))
    assert [parse_message(ack).get("MSA-2") for ack in acks] == [f"C{n}" for n in range(20)]


async def test_a_message_holding_a_framing_byte_is_refused_before_anything_is_sent(
    peer: ScriptedPeer,
) -> None:
    async with MllpSender("127.0.0.1", peer.port) as sender:
        with pytest.raises(ValueError, match="MLLP start or end block"):
            await sender.send(b"MSH|^~\\&|\x1c|")
    assert peer.received == []
