"""One HL7 v2 segment: its fields kept as raw text, split into parts only when asked.

Splitting every field into repetitions, components and subcomponents up front is what
makes general-purpose parsers slow: most of a message is never read. A segment keeps
its fields as the raw (still escaped) strings between field separators and splits a
field only when a caller asks for it, which is cheap because the delimiters are known.

Positions follow the HL7 standard and are 1-based: ``field(3)`` of ``PID`` is PID-3. In
MSH, field 1 is the field separator itself and field 2 the encoding characters, so MSH
numbering matches the standard too. An empty or absent part has no children: the
repetitions of an empty field are ``[]``, and reading an absent value gives ``""``.
"""

from __future__ import annotations

from healthbridge.mappings.hl7v2.delimiters import Delimiters
from healthbridge.mappings.hl7v2.escaping import unescape


class Segment:
    """A read-only segment; ``repr`` names it and counts fields but never shows values."""

    __slots__ = ("_fields", "delimiters", "name", "sequence")

    def __init__(self, name: str, fields: list[str], delimiters: Delimiters, sequence: int) -> None:
        self.name = name
        self._fields = fields
        self.delimiters = delimiters
        self.sequence = sequence

    def __repr__(self) -> str:
        return f"Segment({self.name!r}, sequence={self.sequence}, fields={self.field_count})"

    @property
    def field_count(self) -> int:
        """How many field positions the segment carries (trailing empty ones included)."""
        return len(self._fields) - 1

    @property
    def fields(self) -> tuple[str, ...]:
        """Raw fields by position: index 0 is the segment name, index n is field n."""
        return tuple(self._fields)

    def field(self, position: int) -> str:
        """The raw, still escaped text of field ``position``; ``""`` when absent."""
        fields = self._fields
        return fields[position] if 0 < position < len(fields) else ""

    def repetitions(self, position: int) -> list[str]:
        """The raw repetitions of a field; ``[]`` when the field is empty."""
        raw = self.field(position)
        if not raw:
            return []
        if self._is_delimiter_field(position):
            return [raw]
        return raw.split(self.delimiters.repetition)

    def components(self, position: int, repetition: int = 1) -> list[str]:
        """The raw components of one repetition of a field; ``[]`` when it is empty."""
        raw = _pick(self.repetitions(position), repetition)
        if not raw:
            return []
        if self._is_delimiter_field(position):
            return [raw]
        return raw.split(self.delimiters.component)

    def subcomponents(self, position: int, repetition: int = 1, component: int = 1) -> list[str]:
        """The raw subcomponents of one component; ``[]`` when it is empty."""
        raw = _pick(self.components(position, repetition), component)
        if not raw:
            return []
        if self._is_delimiter_field(position):
            return [raw]
        return raw.split(self.delimiters.subcomponent)

    def value(
        self, position: int, repetition: int = 1, component: int = 1, subcomponent: int = 1
    ) -> str:
        """One leaf value with escape sequences resolved; ``""`` when absent.

        The defaults pick the first of each level, so ``value(5)`` of ``PID`` is the
        family name (PID-5.1.1), as in the HL7 convention for reading a field as its
        first component.
        """
        fields = self._fields
        raw = fields[position] if 0 < position < len(fields) else ""
        if not raw:
            return ""
        if position <= 2 and self.name == "MSH":
            first = repetition == component == subcomponent == 1
            return raw if first else ""
        delimiters = self.delimiters
        raw = _narrow(raw, delimiters.repetition, repetition)
        raw = _narrow(raw, delimiters.component, component)
        raw = _narrow(raw, delimiters.subcomponent, subcomponent)
        return unescape(raw, delimiters) if raw else ""

    def to_text(self) -> str:
        """The segment as it would be written, without a terminator."""
        separator = self.delimiters.field
        if self.name == "MSH":
            return "MSH" + separator + separator.join(self._fields[2:])
        return separator.join(self._fields)

    def _is_delimiter_field(self, position: int) -> bool:
        # MSH-1 and MSH-2 hold the delimiters themselves and are never split or unescaped.
        return position <= 2 and self.name == "MSH"


def _pick(parts: list[str], position: int) -> str:
    return parts[position - 1] if 0 < position <= len(parts) else ""


def _narrow(raw: str, separator: str, position: int) -> str:
    if separator not in raw:
        return raw if position == 1 else ""
    parts = raw.split(separator)
    return parts[position - 1] if 0 < position <= len(parts) else ""
