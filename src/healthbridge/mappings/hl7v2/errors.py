"""Errors for HL7 v2 content, carrying what an ACK's ERR segment needs and nothing else.

An HL7 error names *where* it happened (segment id, which occurrence of it, field
position) and *what kind* of error it is (an HL7 table 0357 condition code), never a
value from the message: values are patient data. The ACK builder turns these facts into
an ERR segment, so the sender learns exactly what to fix without the hub echoing PHI.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar

from healthbridge.core.errors import HealthbridgeError


class ErrorCondition(IntEnum):
    """HL7 table 0357 (message error condition codes) that the hub reports."""

    SEGMENT_SEQUENCE_ERROR = 100
    REQUIRED_FIELD_MISSING = 101
    DATA_TYPE_ERROR = 102
    TABLE_VALUE_NOT_FOUND = 103
    UNSUPPORTED_MESSAGE_TYPE = 200
    UNSUPPORTED_EVENT_CODE = 201
    UNSUPPORTED_PROCESSING_ID = 202
    UNSUPPORTED_VERSION_ID = 203
    UNKNOWN_KEY_IDENTIFIER = 204
    DUPLICATE_KEY_IDENTIFIER = 205
    APPLICATION_RECORD_LOCKED = 206
    APPLICATION_INTERNAL_ERROR = 207

    @property
    def text(self) -> str:
        """The table's own wording, used as ERR-3.2 when no better text is given."""
        return _CONDITION_TEXT[self]


_CONDITION_TEXT: dict[ErrorCondition, str] = {
    ErrorCondition.SEGMENT_SEQUENCE_ERROR: "Segment sequence error",
    ErrorCondition.REQUIRED_FIELD_MISSING: "Required field missing",
    ErrorCondition.DATA_TYPE_ERROR: "Data type error",
    ErrorCondition.TABLE_VALUE_NOT_FOUND: "Table value not found",
    ErrorCondition.UNSUPPORTED_MESSAGE_TYPE: "Unsupported message type",
    ErrorCondition.UNSUPPORTED_EVENT_CODE: "Unsupported event code",
    ErrorCondition.UNSUPPORTED_PROCESSING_ID: "Unsupported processing id",
    ErrorCondition.UNSUPPORTED_VERSION_ID: "Unsupported version id",
    ErrorCondition.UNKNOWN_KEY_IDENTIFIER: "Unknown key identifier",
    ErrorCondition.DUPLICATE_KEY_IDENTIFIER: "Duplicate key identifier",
    ErrorCondition.APPLICATION_RECORD_LOCKED: "Application record locked",
    ErrorCondition.APPLICATION_INTERNAL_ERROR: "Application internal error",
}


@dataclass(frozen=True, slots=True)
class ErrorLocation:
    """Where in a message an error sits (HL7 ERL data type); positions are 1-based.

    ``occurrence`` counts segments with the same id (the second OBX is occurrence 2), as
    ERL-2 does. ``field`` is 0 when the error concerns the whole segment and ``component``
    0 when it concerns the whole field. When the segment id itself is unreadable,
    ``segment`` is empty and ``occurrence`` is the segment's position in the message.
    """

    segment: str
    occurrence: int = 1
    field: int = 0
    repetition: int = 0
    component: int = 0

    def __str__(self) -> str:
        """The location in path form (``PID-3``, ``OBX[2]-5.1``), as ``Hl7Message.get`` reads."""
        if not self.segment:
            return f"segment {self.occurrence} of the message"
        where = self.segment if self.occurrence == 1 else f"{self.segment}[{self.occurrence}]"
        if self.field:
            where += f"-{self.field}"
            if self.repetition > 1:
                where += f"[{self.repetition}]"
            if self.component:
                where += f".{self.component}"
        return where


class Hl7Error(HealthbridgeError):
    """Base of every HL7 v2 content error: a location, a table 0357 condition, safe text."""

    code: ClassVar[str] = "hl7.error"
    default_condition: ClassVar[ErrorCondition] = ErrorCondition.APPLICATION_INTERNAL_ERROR

    def __init__(
        self,
        message: str,
        *,
        location: ErrorLocation | None = None,
        condition: ErrorCondition | None = None,
    ) -> None:
        self.location = location
        self.condition = condition if condition is not None else self.default_condition
        details: dict[str, object] = {"condition": int(self.condition)}
        if location is not None:
            details["location"] = str(location)
        super().__init__(message, details=details)


class Hl7ParseError(Hl7Error):
    """The bytes are not a well-formed HL7 v2 message; the sender must fix and resend."""

    code: ClassVar[str] = "hl7.malformed"
    default_condition: ClassVar[ErrorCondition] = ErrorCondition.SEGMENT_SEQUENCE_ERROR


class Hl7UnsupportedMessageError(Hl7Error):
    """A well-formed message of a type or event the receiver does not handle."""

    code: ClassVar[str] = "hl7.unsupported_message"
    default_condition: ClassVar[ErrorCondition] = ErrorCondition.UNSUPPORTED_MESSAGE_TYPE
