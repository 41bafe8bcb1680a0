"""The ACK the listener sends itself when the handler could not produce one.

A handler that raises, times out or returns nothing still owes the sender an answer, or
the sender will retry forever. The listener reads whatever header the raw message still
has (only the MSH segment is parsed, so a broken body cannot stop it) and answers AR for
messages that cannot be processed as sent, AE for failures on the hub's side, with an ERR
that states the condition and the hub's safe text, never the exception's own text.
"""

from __future__ import annotations

from healthbridge.core.errors import HealthbridgeError
from healthbridge.mappings.hl7v2 import (
    AckCode,
    AckError,
    ErrorCondition,
    Hl7Message,
    Hl7ParseError,
    ack_code_for,
    build_ack,
    parse_message,
)


def read_header(raw: bytes) -> Hl7Message | None:
    """The message's MSH alone, parsed leniently; ``None`` when not even that can be read."""
    end = min((i for i in (raw.find(b"\r"), raw.find(b"\n")) if i >= 0), default=len(raw))
    try:
        return parse_message(raw[:end], require_header=False)
    except Hl7ParseError:
        return None


def failure_ack(raw: bytes, error: BaseException, *, control_id: str, timestamp: str) -> bytes:
    """AR or AE for ``raw`` explaining ``error`` in safe words (its code and safe message)."""
    if isinstance(error, HealthbridgeError):
        details = AckError.from_error(error)
    else:
        details = AckError(
            ErrorCondition.APPLICATION_INTERNAL_ERROR,
            "the receiving application failed while processing the message",
        )
    return _build(raw, ack_code_for(error), details, control_id, timestamp)


def timeout_ack(raw: bytes, seconds: float, *, control_id: str, timestamp: str) -> bytes:
    """AE for a message whose handler did not answer within ``seconds``."""
    details = AckError(
        ErrorCondition.APPLICATION_INTERNAL_ERROR,
        f"the receiving application did not finish within {seconds:g} seconds",
        error_code="mllp.handler_timeout",
    )
    return _build(raw, AckCode.ERROR, details, control_id, timestamp)


def oversize_ack(head: bytes, limit: int, *, control_id: str, timestamp: str) -> bytes:
    """AR for a message larger than the listener accepts, read from the frame's first bytes."""
    details = AckError(
        ErrorCondition.APPLICATION_INTERNAL_ERROR,
        f"message exceeds the {limit}-byte limit of this receiver",
        error_code="mllp.frame_too_large",
    )
    return _build(head, AckCode.REJECT, details, control_id, timestamp)


def _build(raw: bytes, code: AckCode, details: AckError, control_id: str, timestamp: str) -> bytes:
    inbound = read_header(raw)
    return build_ack(inbound, code, control_id=control_id, timestamp=timestamp, errors=[details])
