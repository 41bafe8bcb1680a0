"""The five HL7 v2 delimiters, read from MSH-1 and MSH-2 of each message.

HL7 v2 lets every message choose its own delimiters, so nothing may assume ``|^~\\&``:
the field separator is the character right after ``MSH`` and the encoding characters
(MSH-2) give, in order, the component, repetition, escape and subcomponent characters,
plus from v2.7 an optional truncation character. They must be distinct, and none may be
anything but printable ASCII punctuation, or the message cannot be split unambiguously.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from healthbridge.mappings.hl7v2.errors import ErrorCondition, ErrorLocation, Hl7ParseError


@dataclass(frozen=True, slots=True)
class Delimiters:
    """A message's delimiters; ``truncation`` is empty before v2.7 or when not sent."""

    field: str = "|"
    component: str = "^"
    repetition: str = "~"
    escape: str = "\\"
    subcomponent: str = "&"
    truncation: str = ""

    @property
    def encoding_characters(self) -> str:
        """MSH-2 as it is written: component, repetition, escape, subcomponent(, truncation)."""
        return self.component + self.repetition + self.escape + self.subcomponent + self.truncation


DEFAULT_DELIMITERS = Delimiters()
"""``|^~\\&``: what the standard recommends and what an ACK uses when nothing else is known."""


def read_delimiters(first_segment: str) -> Delimiters:
    """The delimiters an MSH segment declares; raises ``Hl7ParseError`` naming MSH-1 or MSH-2.

    ``first_segment`` is the MSH segment text without its terminator.
    """
    if len(first_segment) < 4:
        raise Hl7ParseError(
            "MSH segment ends before MSH-1 (field separator)",
            location=ErrorLocation("MSH", 1, 1),
            condition=ErrorCondition.REQUIRED_FIELD_MISSING,
        )
    field = first_segment[3]
    end = first_segment.find(field, 4)
    return _declared(field, first_segment[4:] if end < 0 else first_segment[4:end])


@lru_cache(maxsize=256)
def _declared(field: str, encoding: str) -> Delimiters:
    # Cached: senders reuse the same few delimiter sets, and checking them dominated the
    # cost of tokenizing a short message. Errors are raised, so they are never cached.
    if not _usable(field):
        raise Hl7ParseError(
            "MSH-1 (field separator) is not an ASCII punctuation character",
            location=ErrorLocation("MSH", 1, 1),
            condition=ErrorCondition.DATA_TYPE_ERROR,
        )
    location = ErrorLocation("MSH", 1, 2)
    if not encoding:
        raise Hl7ParseError(
            "MSH-2 (encoding characters) is empty",
            location=location,
            condition=ErrorCondition.REQUIRED_FIELD_MISSING,
        )
    if len(encoding) not in (4, 5):
        raise Hl7ParseError(
            f"MSH-2 (encoding characters) has {len(encoding)} characters; "
            "4 are required, or 5 with the truncation character",
            location=location,
            condition=ErrorCondition.DATA_TYPE_ERROR,
        )
    if len(set(encoding + field)) != len(encoding) + 1:
        raise Hl7ParseError(
            "MSH-2 (encoding characters) repeats a delimiter or reuses the field separator",
            location=location,
            condition=ErrorCondition.DATA_TYPE_ERROR,
        )
    if not all(_usable(char) for char in encoding):
        raise Hl7ParseError(
            "MSH-2 (encoding characters) holds a character that is not ASCII punctuation",
            location=location,
            condition=ErrorCondition.DATA_TYPE_ERROR,
        )
    return Delimiters(
        field=field,
        component=encoding[0],
        repetition=encoding[1],
        escape=encoding[2],
        subcomponent=encoding[3],
        truncation=encoding[4:],
    )


def _usable(char: str) -> bool:
    # Printable ASCII punctuation only: control characters could be segment terminators or
    # MLLP framing bytes, and non-ASCII characters change width across character sets.
    return char.isascii() and char.isprintable() and not (char.isalnum() or char.isspace())
