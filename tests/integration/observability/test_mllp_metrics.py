"""HL7 v2 over a real MLLP connection, counted by message type and ACK code."""

from __future__ import annotations

import itertools
from pathlib import Path

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families

from healthbridge.connectors.hl7v2 import MllpListener, MllpListenerConfig
from healthbridge.connectors.hl7v2.sender import send_message
from healthbridge.mappings.hl7v2 import AckCode, build_ack, parse_message
from healthbridge.observability import HubMetrics, observe_mllp_handler


async def test_each_message_is_counted_by_type_and_the_ack_code_sent(
    shared_data: Path, spans: InMemorySpanExporter
) -> None:
    ids = itertools.count(1)

    async def handle(raw: bytes) -> bytes:
        message = parse_message(raw)
        code = AckCode.ACCEPT if b"ADT^A01" in raw else AckCode.ERROR
        return build_ack(message, code, control_id=f"T{next(ids)}", timestamp="20261124120000")

    async def broken(raw: bytes) -> bytes:
        raise RuntimeError("handler failed")

    metrics = HubMetrics()
    folder = shared_data / "hl7v2"
    admissions = [(folder / f"adt_a01_0{n}.hl7").read_bytes() for n in (1, 2)]
    registration = (folder / "adt_a04_01.hl7").read_bytes()
    config = MllpListenerConfig(port=0)
    async with MllpListener(observe_mllp_handler(handle, metrics), config) as listener:
        host, port = listener.address
        for message in [*admissions, registration]:
            await send_message(host, port, message, timeout_seconds=5)
    async with MllpListener(observe_mllp_handler(broken, metrics), config) as listener:
        host, port = listener.address
        ack = await send_message(host, port, registration, timeout_seconds=5)
    assert b"MSA|A" in ack  # the listener still answered for the failed handler

    text = metrics.render().decode()
    counted = {
        (s.labels["message_type"], s.labels["ack_code"]): s.value
        for f in text_string_to_metric_families(text)
        if f.name == "healthbridge_mllp_messages"
        for s in f.samples
        if s.name.endswith("_total")
    }
    assert counted == {("ADT^A01", "AA"): 2, ("ADT^A04", "AE"): 1, ("ADT^A04", "none"): 1}
    received = [s for s in spans.get_finished_spans() if s.name == "mllp receive"]
    assert len(received) == 4
    assert {s.attributes["hl7.message_type"] for s in received if s.attributes} == {
        "ADT^A01",
        "ADT^A04",
    }
