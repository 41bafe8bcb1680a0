"""Bytes to segments: the fast, strict-where-it-matters HL7 v2 tokenizer.

``tokenize`` does the minimum every reader needs and nothing more: decode the bytes,
normalise segment terminators, read the delimiters from MSH-1/MSH-2, split segments and
fields, and check segment ids. Components, repetitions and subcomponents are split later
and only on demand (see ``Segment``), which is why it reads real ADT messages over a
hundred times faster than python-hl7 while returning the same values (the differential
property tests prove it).

Tolerated, because real senders do it: LF or CRLF instead of CR between segments, blank
or whitespace-only lines between segments, a UTF-8 byte order mark, whitespace around the
message, and non-UTF-8 bytes from Windows senders that declare no character set (read as
Windows-1252, and the encoding used is reported). Rejected with ``Hl7ParseError``, which
names the position and never a value: anything that does not start with MSH, unusable
delimiters, a segment id that is not three upper-case letters or digits, a second MSH, and
bytes that are not text in the declared (or any default) character set.
"""

from __future__ import annotations

import itertools
import re

from healthbridge.mappings.hl7v2.delimiters import Delimiters, read_delimiters
from healthbridge.mappings.hl7v2.errors import ErrorCondition, ErrorLocation, Hl7ParseError
from healthbridge.mappings.hl7v2.segment import Segment

_BOM = b"\xef\xbb\xbf"
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{2}")
_CHARSETS: dict[str, str | None] = {
    "": None,
    "ASCII": None,
    "UNICODE UTF-8": "utf-8",
    # Not in table 0211, but common in the wild and unambiguous.
    "UTF-8": "utf-8",
    "ISO-8859-1": "iso8859-1",
    "WINDOWS-1252": "cp1252",
    "CP1252": "cp1252",
    **{f"8859/{n}": f"iso8859-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 15)},
    "GB 18030-2000": "gb18030",
    "BIG-5": "big5",
    "KS X 1001": "euc-kr",
}
_FALLBACK_ENCODINGS = ("utf-8", "cp1252")
_MSH_CHARSET = 18


class Tokens:
    """A tokenized message: its delimiters, its non-blank segments in order, and the codec.

    Segments are kept as lists of raw fields and wrapped in ``Segment`` views only when
    read, so a message whose body is never looked at costs no more than its split.
    ``encoding`` is the Python codec the bytes were read with, or ``None`` for text.
    """

    __slots__ = ("_rows", "_views", "delimiters", "encoding")

    def __init__(self, delimiters: Delimiters, rows: list[list[str]], encoding: str | None) -> None:
        self.delimiters = delimiters
        self.encoding = encoding
        self._rows = rows
        self._views: list[Segment | None] = [None] * len(rows)

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def names(self) -> list[str]:
        """The segment ids in message order."""
        return [row[0] for row in self._rows]

    @property
    def segments(self) -> tuple[Segment, ...]:
        """Every segment in message order."""
        return tuple(self.segment(index) for index in range(len(self._rows)))

    def segment(self, index: int) -> Segment:
        """The segment at a 0-based ``index`` (MSH is 0)."""
        view = self._views[index]
        if view is None:
            row = self._rows[index]
            view = self._views[index] = Segment(row[0], row, self.delimiters, index + 1)
        return view


def tokenize(data: bytes | str) -> Tokens:
    """Split a message into delimiters and segments, or raise ``Hl7ParseError`` saying where."""
    if isinstance(data, str):
        text, encoding = data, None
    else:
        text, encoding = decode(data)
    if text[:1] == "\ufeff":
        text = text[1:]
    text = text.strip()
    if "\n" in text:
        text = text.replace("\r\n", "\r").replace("\n", "\r")
    if text[:3] != "MSH":
        raise Hl7ParseError(
            "message does not start with an MSH segment",
            location=ErrorLocation("MSH", 1),
            condition=ErrorCondition.SEGMENT_SEQUENCE_ERROR,
        )
    lines = text.split("\r")
    delimiters = read_delimiters(lines[0])
    return Tokens(delimiters, _rows(lines, delimiters), encoding)


def decode(data: bytes) -> tuple[str, str]:
    """The text of a message and the codec used: MSH-18's, else UTF-8, else Windows-1252."""
    if data[:3] == _BOM:
        data = data[3:]
    if data.isascii():
        return data.decode("ascii"), "ascii"
    declared = _declared_charset(data)
    if declared not in _CHARSETS:
        raise Hl7ParseError(
            "MSH-18 (character set) names a character set the hub cannot read",
            location=ErrorLocation("MSH", 1, _MSH_CHARSET),
            condition=ErrorCondition.TABLE_VALUE_NOT_FOUND,
        )
    codec = _CHARSETS[declared]
    candidates = (codec,) if codec else _FALLBACK_ENCODINGS
    offset = 0
    for candidate in candidates:
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError as error:
            offset = error.start
    raise Hl7ParseError(
        f"byte {offset} is not text in {' or '.join(candidates)} "
        "(the character set MSH-18 declares, or the defaults when it declares none)",
        location=ErrorLocation("MSH", 1, _MSH_CHARSET),
        condition=ErrorCondition.DATA_TYPE_ERROR,
    )


def _rows(lines: list[str], delimiters: Delimiters) -> list[list[str]]:
    separator = delimiters.field
    header = lines[0].split(separator)
    header.insert(1, separator)  # MSH-1 is the separator itself: keep HL7 numbering
    rows = [header]
    append = rows.append
    for line in itertools.islice(lines, 1, None):
        if not line or line[0] <= " ":
            line = line.lstrip()  # noqa: PLW2901 - whitespace before a segment id is noise
            if not line:
                continue
        fields = line.split(separator)
        if fields[0] not in _KNOWN_IDS:
            _check_segment_id(fields[0], len(rows) + 1)
        append(fields)
    return rows


_KNOWN_IDS: set[str] = set()
"""Segment ids already found valid: a bounded cache (at most 26 * 36 * 36 entries)."""


def _check_segment_id(name: str, sequence: int) -> None:
    if name == "MSH":
        raise Hl7ParseError(
            f"segment {sequence} is a second MSH; a frame must carry exactly one message",
            location=ErrorLocation("MSH", 2),
            condition=ErrorCondition.SEGMENT_SEQUENCE_ERROR,
        )
    if _SEGMENT_ID.fullmatch(name) is None:
        # The id is not echoed: a line broken inside a field would make it patient data.
        raise Hl7ParseError(
            f"segment {sequence} does not start with a segment id "
            "(three upper-case letters or digits, then the field separator)",
            location=ErrorLocation("", sequence),
            condition=ErrorCondition.SEGMENT_SEQUENCE_ERROR,
        )
    _KNOWN_IDS.add(name)


def _declared_charset(data: bytes) -> str:
    end = data.find(b"\r")
    head = data[: end if end >= 0 else 4096].decode("latin-1").replace("\n", "\r")
    first = head.lstrip().split("\r", 1)[0]
    if first[:3] != "MSH":
        return ""
    delimiters = read_delimiters(first)
    fields = first.split(delimiters.field)
    if len(fields) <= _MSH_CHARSET - 1:
        return ""
    charset = fields[_MSH_CHARSET - 1].split(delimiters.repetition)[0]
    return charset.split(delimiters.component)[0].strip().upper()
