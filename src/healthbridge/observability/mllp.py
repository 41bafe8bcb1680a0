"""MLLP instrumentation: count each HL7 v2 message by type and ACK code, and trace it.

``observe_mllp_handler`` wraps the listener's handler (``bytes -> Awaitable[bytes]``), so
the listener needs no change. It reads only MSH-9 (message type) of the message and MSA-1
(acknowledgment code) of the ACK: header fields, never patient content.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Final

from opentelemetry.trace import SpanKind

from healthbridge.observability.metrics import METRICS, HubMetrics
from healthbridge.observability.tracing import span

MllpHandler = Callable[[bytes], Awaitable[bytes]]

UNKNOWN: Final = "unknown"
_TYPE: Final = re.compile(rb"^[A-Z0-9]{3}(\^[A-Z0-9]{3})?")
_MSH_TYPE_FIELD: Final = 8
_HEADER_BYTES: Final = 1024


def message_type(message: bytes) -> str:
    """``ADT^A01`` from MSH-9 (components 1 and 2), or ``unknown`` when unreadable."""
    head = message[:_HEADER_BYTES].lstrip(b"\x0b\r\n")
    if not head.startswith(b"MSH") or len(head) < 8:
        return UNKNOWN
    separator = head[3:4]
    fields = head.split(b"\r", 1)[0].split(b"\n", 1)[0].split(separator)
    if len(fields) <= _MSH_TYPE_FIELD:
        return UNKNOWN
    component = head[4:5]
    value = fields[_MSH_TYPE_FIELD].replace(component, b"^")
    found = _TYPE.match(value)
    return found.group(0).decode("ascii") if found else UNKNOWN


def ack_code(ack: bytes) -> str:
    """MSA-1 of an ACK (``AA``, ``AE``, ``AR``...), or ``none`` when there is no MSA."""
    if len(ack) < 8 or not ack.lstrip(b"\x0b").startswith(b"MSH"):
        return "none"
    separator = ack.lstrip(b"\x0b")[3:4]
    for segment in re.split(rb"[\r\n]+", ack):
        if segment.startswith(b"MSA" + separator):
            code = segment[4:6]
            return code.decode("ascii", errors="replace")
    return "none"


def observe_mllp_handler(handler: MllpHandler, metrics: HubMetrics | None = None) -> MllpHandler:
    """``handler`` wrapped: a server span per message and ``healthbridge_mllp_messages_total``.

    A handler that raises is counted with ACK code ``none`` and the exception goes on to
    the listener, which answers for it as before.
    """
    recorder = metrics if metrics is not None else METRICS

    async def observed(message: bytes) -> bytes:
        kind = message_type(message)
        code = "none"
        try:
            with span("mllp receive", kind=SpanKind.SERVER) as current:
                current.set_attribute("hl7.message_type", kind)
                ack = await handler(message)
                code = ack_code(ack)
                current.set_attribute("hl7.ack_code", code)
                return ack
        finally:
            recorder.record_mllp_message(kind, code)

    return observed
