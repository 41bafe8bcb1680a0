"""HL7 v2 over MLLP: the framing, an asyncio listener that always answers, and a sender.

Parsing and ACK building are pure and live in ``healthbridge.mappings.hl7v2``.
"""

from healthbridge.connectors.hl7v2.control_ids import ControlIdSequence
from healthbridge.connectors.hl7v2.errors import (
    MllpConnectionError,
    MllpError,
    MllpFrameTooLargeError,
    MllpTimeoutError,
)
from healthbridge.connectors.hl7v2.fallback import (
    failure_ack,
    oversize_ack,
    read_header,
    timeout_ack,
)
from healthbridge.connectors.hl7v2.framing import MllpDecoder, frame
from healthbridge.connectors.hl7v2.listener import (
    ListenerStats,
    MllpHandler,
    MllpListener,
    MllpListenerConfig,
)
from healthbridge.connectors.hl7v2.sender import MllpSender, send_message

__all__ = [
    "ControlIdSequence",
    "ListenerStats",
    "MllpConnectionError",
    "MllpDecoder",
    "MllpError",
    "MllpFrameTooLargeError",
    "MllpHandler",
    "MllpListener",
    "MllpListenerConfig",
    "MllpSender",
    "MllpTimeoutError",
    "failure_ack",
    "frame",
    "oversize_ack",
    "read_header",
    "send_message",
    "timeout_ack",
]
