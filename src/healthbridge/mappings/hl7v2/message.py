"""A typed, read-only view of one HL7 v2 message, and the strict header check.

``parse_message`` is what a receiver calls: it tokenizes, then checks that the header
carries what routing and acknowledgement need (message type and trigger event, control
id, processing id, a known version). A message that fails is rejected with the exact
MSH field and an HL7 table 0357 condition, so the ACK can tell the sender what to fix.
With ``require_header=False`` only the structure is checked; the listener uses that to
build a reject ACK from whatever header a broken message still has.
"""

from __future__ import annotations

import re
from typing import NoReturn

from healthbridge.mappings.hl7v2.delimiters import Delimiters
from healthbridge.mappings.hl7v2.errors import ErrorCondition, ErrorLocation, Hl7ParseError
from healthbridge.mappings.hl7v2.paths import parse_path
from healthbridge.mappings.hl7v2.segment import Segment
from healthbridge.mappings.hl7v2.tokenizer import Tokens, tokenize

KNOWN_VERSIONS = frozenset(
    {"2.1", "2.2", "2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1"}
    | {"2.8", "2.8.1", "2.8.2", "2.9", "2.9.1"}
)
"""HL7 table 0104 versions this hub reads (v2.1 to v2.9.1)."""

PROCESSING_IDS = frozenset({"P", "T", "D"})
"""HL7 table 0103: production, training, debugging."""

_CODE = re.compile(r"[A-Z0-9]{3}")


class Hl7Message:
    """One parsed message; ``repr`` shows its type and control id, never patient data."""

    __slots__ = ("_by_id", "_tokens")

    def __init__(self, tokens: Tokens) -> None:
        self._tokens = tokens
        self._by_id: dict[str, list[int]] | None = None

    def __repr__(self) -> str:
        kind = f"{self.message_type}^{self.trigger_event}"
        return f"Hl7Message({kind!r}, control_id={self.control_id!r}, segments={len(self)})"

    def __len__(self) -> int:
        return len(self._tokens)

    @property
    def delimiters(self) -> Delimiters:
        """The delimiters MSH-1/MSH-2 declared; an ACK mirrors them."""
        return self._tokens.delimiters

    @property
    def encoding(self) -> str | None:
        """The codec the bytes were read with (``None`` when parsed from text)."""
        return self._tokens.encoding

    @property
    def msh(self) -> Segment:
        """The message header segment."""
        return self._tokens.segment(0)

    @property
    def message_type(self) -> str:
        """MSH-9.1, e.g. ``ADT``."""
        return self.msh.value(9, 1, 1)

    @property
    def trigger_event(self) -> str:
        """MSH-9.2, e.g. ``A01``."""
        return self.msh.value(9, 1, 2)

    @property
    def message_structure(self) -> str:
        """MSH-9.3, e.g. ``ADT_A01`` (often absent before v2.3.1)."""
        return self.msh.value(9, 1, 3)

    @property
    def control_id(self) -> str:
        """MSH-10: the sender's id for this message, echoed in MSA-2 and used to deduplicate."""
        return self.msh.value(10)

    @property
    def processing_id(self) -> str:
        """MSH-11.1: ``P`` production, ``T`` training, ``D`` debugging."""
        return self.msh.value(11)

    @property
    def version(self) -> str:
        """MSH-12.1, e.g. ``2.5.1``."""
        return self.msh.value(12)

    def segments(self, segment_id: str | None = None) -> tuple[Segment, ...]:
        """Every segment with this id in message order, or all segments when no id is given."""
        if segment_id is None:
            return self._tokens.segments
        segment = self._tokens.segment
        return tuple(segment(index) for index in self._index().get(segment_id, ()))

    def segment(self, segment_id: str, occurrence: int = 1) -> Segment | None:
        """The ``occurrence``-th segment with this id, or ``None``."""
        found = self._index().get(segment_id, ())
        return self._tokens.segment(found[occurrence - 1]) if 0 < occurrence <= len(found) else None

    def get(self, path: str) -> str:
        """The unescaped value at a path such as ``PID-3.1`` (see ``paths``); ``""`` if absent."""
        where = parse_path(path)
        segment = self.segment(where.segment, where.occurrence)
        if segment is None:
            return ""
        return segment.value(where.field, where.repetition, where.component, where.subcomponent)

    def locate(
        self, segment: Segment, field: int = 0, component: int = 0, repetition: int = 0
    ) -> ErrorLocation:
        """An ``ErrorLocation`` for a place in one of this message's segments (for ERR)."""
        positions = self._index().get(segment.name, [])
        index = segment.sequence - 1
        occurrence = positions.index(index) + 1 if index in positions else 1
        return ErrorLocation(segment.name, occurrence, field, repetition, component)

    def _index(self) -> dict[str, list[int]]:
        """Positions of the segments of each id, built on first use."""
        if self._by_id is None:
            index: dict[str, list[int]] = {}
            for position, name in enumerate(self._tokens.names):
                index.setdefault(name, []).append(position)
            self._by_id = index
        return self._by_id


def parse_message(data: bytes | str, *, require_header: bool = True) -> Hl7Message:
    """A parsed message whose header is complete, or ``Hl7ParseError`` naming the MSH field.

    With ``require_header=False`` only the structure is checked (MSH first, delimiters,
    segment ids), which is enough to acknowledge even a message with a broken header.
    """
    message = Hl7Message(tokenize(data))
    if require_header:
        check_header(message)
    return message


def check_header(message: Hl7Message) -> None:
    """Raise ``Hl7ParseError`` for the first header field that routing or an ACK cannot use."""
    # Raw (still escaped) parts are checked on purpose: a valid code never needs escaping,
    # and reading raw keeps this check cheap enough to run on every message.
    msh = message.msh
    component = msh.delimiters.component
    kind = msh.field(9).split(component)
    code = kind[0]
    event = kind[1] if len(kind) > 1 else ""
    if not code:
        _reject("MSH-9.1 (message type) is empty", 9, 1, _MISSING)
    if _CODE.fullmatch(code) is None:
        _reject("MSH-9.1 (message type) is not a 3-character code", 9, 1, _DATA_TYPE)
    if not event and code != "ACK":
        _reject("MSH-9.2 (trigger event) is empty", 9, 2, _MISSING)
    if event and _CODE.fullmatch(event) is None:
        _reject("MSH-9.2 (trigger event) is not a 3-character code", 9, 2, _DATA_TYPE)
    if not msh.field(10):
        _reject("MSH-10 (message control id) is empty", 10, 0, _MISSING)
    processing = msh.field(11).split(component)[0]
    if not processing:
        _reject("MSH-11 (processing id) is empty", 11, 0, _MISSING)
    if processing not in PROCESSING_IDS:
        _reject(
            "MSH-11 (processing id) is not P, T or D",
            11,
            1,
            ErrorCondition.UNSUPPORTED_PROCESSING_ID,
        )
    version = msh.field(12).split(component)[0]
    if not version:
        _reject("MSH-12 (version id) is empty", 12, 0, _MISSING)
    if version not in KNOWN_VERSIONS:
        _reject(
            "MSH-12 (version id) is not an HL7 v2 version from 2.1 to 2.9.1",
            12,
            1,
            ErrorCondition.UNSUPPORTED_VERSION_ID,
        )


_MISSING = ErrorCondition.REQUIRED_FIELD_MISSING
_DATA_TYPE = ErrorCondition.DATA_TYPE_ERROR


def _reject(text: str, field: int, component: int, condition: ErrorCondition) -> NoReturn:
    raise Hl7ParseError(
        text,
        location=ErrorLocation("MSH", 1, field, component=component),
        condition=condition,
    )
