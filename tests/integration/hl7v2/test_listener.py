"""The MLLP listener over real loopback TCP: framing edge cases, concurrency, timeouts,
failing handlers, and input that must never stop it."""

from __future__ import annotations

import asyncio

import hl7
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthbridge.connectors.hl7v2 import MllpSender, frame
from healthbridge.core.errors import HealthbridgeError
from healthbridge.mappings.hl7v2 import parse_message
from tests.integration.hl7v2.conftest import ListenerFactory, accepting_handler, raw_peer
from tests.unit.hl7v2.corpus import read_sample

VT, FS, CR = b"\x0b", b"\x1c", b"\r"


def _with_control_id(data: bytes, control_id: str) -> bytes:
    fields = data.split(b"|", 10)
    fields[9] = control_id.encode()
    return b"|".join(fields)


def _acked(ack: bytes) -> tuple[str, str]:
    message = parse_message(ack)
    return message.get("MSA-1"), message.get("MSA-2")


async def test_a_message_gets_the_handler_s_ack_and_the_handler_gets_the_exact_bytes(
    start_listener: ListenerFactory,
) -> None:
    seen: list[bytes] = []
    inner = accepting_handler()

    async def handler(raw: bytes) -> bytes:
        seen.append(raw)
        return await inner(raw)

    listener = await start_listener(handler)
    data = read_sample("adt_a01_01.hl7")
    async with raw_peer(listener) as peer:
        await peer.write(frame(data))
        ack = await peer.read_ack()
    assert seen == [data]
    assert _acked(ack) == ("AA", "MSG00001")
    assert hl7.parse(ack.decode())["MSA.F1"] == "AA"


async def test_a_message_written_one_byte_at_a_time_gets_one_ack(
    start_listener: ListenerFactory,
) -> None:
    listener = await start_listener()
    wire = frame(read_sample("adt_a04_02.hl7"))
    async with raw_peer(listener) as peer:
        for index in range(len(wire)):
            await peer.write(wire[index : index + 1])
        assert _acked(await peer.read_ack()) == ("AA", "1270326314")
    assert listener.stats.messages_received == 1


async def test_two_messages_in_one_write_get_two_acks_in_order(
    start_listener: ListenerFactory,
) -> None:
    listener = await start_listener()
    data = read_sample("adt_a08_02.hl7")
    async with raw_peer(listener) as peer:
        await peer.write(
            frame(_with_control_id(data, "FIRST")) + frame(_with_control_id(data, "SECOND"))
        )
        assert _acked(await peer.read_ack()) == ("AA", "FIRST")
        assert _acked(await peer.read_ack()) == ("AA", "SECOND")


async def test_noise_before_the_start_block_is_skipped(start_listener: ListenerFactory) -> None:
    listener = await start_listener()
    async with raw_peer(listener) as peer:
        await peer.write(b"\r\nhello?\r\n" + frame(read_sample("adt_a40_01.hl7")))
        assert _acked(await peer.read_ack()) == ("AA", "8919-40")
    assert listener.stats.noise_bytes == 10


async def test_a_frame_missing_its_end_block_is_dropped_when_the_next_frame_starts(
    start_listener: ListenerFactory,
) -> None:
    listener = await start_listener()
    data = read_sample("adt_a40_01.hl7")
    async with raw_peer(listener) as peer:
        await peer.write(VT + _with_control_id(data, "LOST") + CR)
        await peer.write(frame(_with_control_id(data, "KEPT")))
        assert _acked(await peer.read_ack()) == ("AA", "KEPT")
    assert listener.stats.frames_abandoned == 1
    assert listener.stats.messages_received == 1


async def test_a_frame_that_never_ends_is_closed_at_the_idle_timeout(
    start_listener: ListenerFactory,
) -> None:
    listener = await start_listener(idle_timeout_seconds=0.2)
    async with raw_peer(listener) as peer:
        await peer.write(VT + read_sample("adt_a40_01.hl7"))
        assert await peer.closed_by_listener()
        assert peer.pending == []
    assert listener.stats.connections_idle_closed == 1


async def test_an_oversized_message_is_rejected_with_its_control_id_and_the_connection_closed(
    start_listener: ListenerFactory,
) -> None:
    listener = await start_listener(max_message_bytes=1000)
    async with raw_peer(listener) as peer:
        await peer.write(frame(read_sample("adt_a01_01.hl7")))
        ack = await peer.read_ack()
        assert await peer.closed_by_listener()
    message = parse_message(ack)
    assert _acked(ack) == ("AR", "MSG00001")
    assert message.get("ERR-5") == "mllp.frame_too_large"
    assert listener.stats.frames_too_large == 1


async def test_an_idle_connection_is_closed_and_the_listener_keeps_serving(
    start_listener: ListenerFactory,
) -> None:
    listener = await start_listener(idle_timeout_seconds=0.2)
    async with raw_peer(listener) as idle:
        assert await idle.closed_by_listener()
    async with raw_peer(listener) as peer:
        await peer.write(frame(read_sample("adt_a40_01.hl7")))
        assert _acked(await peer.read_ack())[0] == "AA"


async def test_many_concurrent_connections_each_get_their_own_acks_in_order(
    start_listener: ListenerFactory,
) -> None:
    inner = accepting_handler()

    async def handler(raw: bytes) -> bytes:
        await asyncio.sleep(0.001)
        return await inner(raw)

    listener = await start_listener(handler)
    data = read_sample("adt_a01_02.hl7")
    host, port = listener.address

    async def one_sender(sender_id: int) -> list[str]:
        async with MllpSender(host, port, timeout_seconds=5) as sender:
            acks = [
                await sender.send(_with_control_id(data, f"S{sender_id}M{n}")) for n in range(10)
            ]
        return [_acked(ack)[1] for ack in acks]

    results = await asyncio.gather(*(one_sender(s) for s in range(20)))
    for sender_id, control_ids in enumerate(results):
        assert control_ids == [f"S{sender_id}M{n}" for n in range(10)]
    assert listener.stats.acks_sent == 200
    assert listener.stats.connections_accepted == 20


async def test_handlers_run_concurrently_across_connections_up_to_the_limit(
    start_listener: ListenerFactory,
) -> None:
    running = peak = 0
    inner = accepting_handler()

    async def handler(raw: bytes) -> bytes:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.02)
        running -= 1
        return await inner(raw)

    listener = await start_listener(handler, max_concurrent_handlers=3)
    data = read_sample("adt_a40_01.hl7")
    host, port = listener.address

    async def one_sender() -> None:
        async with MllpSender(host, port) as sender:
            for _ in range(3):
                await sender.send(data)

    await asyncio.gather(*(one_sender() for _ in range(8)))
    assert peak == 3


async def test_connections_beyond_the_maximum_are_refused_and_the_others_served(
    start_listener: ListenerFactory,
) -> None:
    listener = await start_listener(max_connections=2)
    data = frame(read_sample("adt_a40_01.hl7"))
    async with raw_peer(listener) as first, raw_peer(listener) as second:
        await first.write(data)
        await second.write(data)
        await first.read_ack()
        await second.read_ack()
        async with raw_peer(listener) as third:
            assert await third.closed_by_listener()
    assert listener.stats.connections_refused == 1


class StoreDownError(HealthbridgeError):
    code = "test.secret_failure"


async def test_a_handler_that_raises_still_gets_the_sender_an_ack_and_the_next_message_served(
    start_listener: ListenerFactory,
) -> None:
    inner = accepting_handler()

    async def handler(raw: bytes) -> bytes:
        if b"|BOOM|" in raw:
            raise ValueError("patient DOE JOHN broke me")
        if b"|FAIL|" in raw:
            raise StoreDownError("the patient store is unavailable")
        return await inner(raw)

    listener = await start_listener(handler)
    data = read_sample("adt_a01_02.hl7")
    async with raw_peer(listener) as peer:
        await peer.write(frame(_with_control_id(data, "BOOM")))
        boom = await peer.read_ack()
        await peer.write(frame(_with_control_id(data, "FAIL")))
        fail = await peer.read_ack()
        await peer.write(frame(_with_control_id(data, "FINE")))
        fine = await peer.read_ack()
    assert _acked(boom) == ("AE", "BOOM")
    assert parse_message(boom).get("ERR-3") == "207"
    assert b"DOE" not in boom
    assert _acked(fail) == ("AE", "FAIL")
    assert parse_message(fail).get("ERR-8") == "the patient store is unavailable"
    assert parse_message(fail).get("ERR-5") == "test.secret_failure"
    assert _acked(fine) == ("AA", "FINE")
    assert listener.stats.handler_failures == 2


async def test_malformed_samples_get_an_ar_naming_the_broken_field(
    start_listener: ListenerFactory,
) -> None:
    listener = await start_listener()
    async with raw_peer(listener) as peer:
        await peer.write(frame(read_sample("malformed_msh9_missing.hl7")))
        ack = parse_message(await peer.read_ack())
        await peer.write(frame(read_sample("malformed_msh2_empty_encoding_chars.hl7")))
        unreadable = parse_message(await peer.read_ack())
    assert (ack.get("MSA-1"), ack.get("MSA-2"), ack.get("ERR-2"), ack.get("ERR-3")) == (
        "AR",
        "0123456789",
        "MSH",
        "101",
    )
    assert ack.segment("ERR").field(2) == "MSH^1^9^1^1"  # type: ignore[union-attr]
    assert ack.get("ERR-8") == "MSH-9.1 (message type) is empty"
    assert (unreadable.get("MSA-1"), unreadable.get("MSA-2")) == ("AR", "")
    assert unreadable.get("ERR-8") == "MSH-2 (encoding characters) is empty"


async def test_a_slow_handler_gets_an_ae_at_its_timeout_and_the_next_message_is_served(
    start_listener: ListenerFactory,
) -> None:
    inner = accepting_handler()

    async def handler(raw: bytes) -> bytes:
        if b"|SLOW|" in raw:
            await asyncio.sleep(10)
        return await inner(raw)

    listener = await start_listener(handler, handler_timeout_seconds=0.1)
    data = read_sample("adt_a40_01.hl7")
    async with raw_peer(listener) as peer:
        await peer.write(
            frame(_with_control_id(data, "SLOW")) + frame(_with_control_id(data, "FAST"))
        )
        slow = parse_message(await peer.read_ack())
        fast = await peer.read_ack()
    assert (slow.get("MSA-1"), slow.get("MSA-2"), slow.get("ERR-5")) == (
        "AE",
        "SLOW",
        "mllp.handler_timeout",
    )
    assert _acked(fast) == ("AA", "FAST")
    assert listener.stats.handler_timeouts == 1


async def test_a_handler_that_returns_nothing_gets_the_sender_an_ae(
    start_listener: ListenerFactory,
) -> None:
    async def handler(raw: bytes) -> bytes:
        return b""

    listener = await start_listener(handler)
    async with raw_peer(listener) as peer:
        await peer.write(frame(read_sample("adt_a40_01.hl7")))
        assert _acked(await peer.read_ack()) == ("AE", "8919-40")


async def test_every_ack_the_listener_writes_itself_has_a_unique_control_id(
    start_listener: ListenerFactory,
) -> None:
    async def handler(raw: bytes) -> bytes:
        raise RuntimeError("always")

    listener = await start_listener(handler)
    data = frame(read_sample("adt_a40_01.hl7"))
    async with raw_peer(listener) as peer:
        await peer.write(data * 50)
        acks = [parse_message(await peer.read_ack()) for _ in range(50)]
    assert len({ack.control_id for ack in acks}) == 50
    assert {ack.get("MSA-2") for ack in acks} == {"8919-40"}


async def test_closing_lets_a_busy_handler_send_its_ack_first(
    start_listener: ListenerFactory,
) -> None:
    started = asyncio.Event()
    inner = accepting_handler()

    async def handler(raw: bytes) -> bytes:
        started.set()
        await asyncio.sleep(0.1)
        return await inner(raw)

    listener = await start_listener(handler)
    async with raw_peer(listener) as peer:
        await peer.write(frame(read_sample("adt_a40_01.hl7")))
        await started.wait()
        closing = asyncio.create_task(listener.close())
        assert _acked(await peer.read_ack()) == ("AA", "8919-40")
        assert await peer.closed_by_listener()
        await closing


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.binary(max_size=64) | st.sampled_from([VT, FS, CR, b"MSH|^~\\&|"]), max_size=20))
async def test_no_input_stops_the_listener_from_answering_the_next_valid_message(
    start_listener: ListenerFactory, chunks: list[bytes]
) -> None:
    listener = await start_listener(max_message_bytes=4096)
    data = read_sample("adt_a40_01.hl7")
    async with raw_peer(listener) as peer:
        for chunk in chunks:
            await peer.write(chunk)
        # End any frame the noise left open, then send a real message.
        await peer.write(FS + CR + frame(_with_control_id(data, "AFTER")))
        acks = []
        while not acks or _acked(acks[-1])[1] != "AFTER":
            acks.append(await peer.read_ack())
    for ack in acks:
        assert _acked(ack)[0] in {"AA", "AR", "AE"}
    async with MllpSender(*listener.address) as sender:
        assert _acked(await sender.send(data))[0] == "AA"


async def test_a_handler_ack_holding_framing_bytes_is_replaced_by_an_ae(
    start_listener: ListenerFactory,
) -> None:
    async def handler(raw: bytes) -> bytes:
        return b"MSH|^~\\&|\x1c\r"

    listener = await start_listener(handler)
    async with raw_peer(listener) as peer:
        await peer.write(frame(read_sample("adt_a40_01.hl7")))
        assert _acked(await peer.read_ack()) == ("AE", "8919-40")


async def test_serve_forever_serves_until_cancelled(start_listener: ListenerFactory) -> None:
    listener = await start_listener()
    serving = asyncio.create_task(listener.serve_forever())
    async with MllpSender(*listener.address) as sender:
        assert _acked(await sender.send(read_sample("adt_a40_01.hl7")))[0] == "AA"
    serving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await serving


async def test_a_peer_that_stops_reading_its_acks_is_cut_off_at_the_idle_timeout(
    start_listener: ListenerFactory,
) -> None:
    big_ack = b"MSH|^~\\&|||||||ACK|1|P|2.5.1\rMSA|AA|1|" + b"x" * 256_000 + b"\r"

    async def handler(raw: bytes) -> bytes:
        return big_ack

    listener = await start_listener(handler, idle_timeout_seconds=0.3)
    async with raw_peer(listener) as stalled:
        await stalled.write(frame(read_sample("adt_a40_01.hl7")) * 60)
        # Sixty 256 kB ACKs overflow the socket buffers: writing blocks, nothing is read.
        async with asyncio.timeout(10):
            while listener.stats.connections_idle_closed == 0:  # noqa: ASYNC110 - a counter, no event to await
                await asyncio.sleep(0.05)
    async with MllpSender(*listener.address) as sender:
        assert (await sender.send(read_sample("adt_a40_01.hl7"))).startswith(b"MSH")
