"""Terse paths to one HL7 value, such as ``PID-3.1``, ``PID-3[2].4.2`` or ``OBX[2]-5``.

A path is ``SEGMENT[occurrence]-FIELD[repetition].COMPONENT.SUBCOMPONENT``: the segment id
and field position are required, every bracketed or dotted part defaults to 1, and all
positions are 1-based as in the HL7 standard. Paths are parsed once and cached, because
mappings read the same few dozen paths from every message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_PATH = re.compile(
    r"(?P<segment>[A-Z][A-Z0-9]{2})(?:\[(?P<occurrence>[1-9]\d*)\])?"
    r"-(?P<field>[1-9]\d*)(?:\[(?P<repetition>[1-9]\d*)\])?"
    r"(?:\.(?P<component>[1-9]\d*)(?:\.(?P<subcomponent>[1-9]\d*))?)?"
)


@dataclass(frozen=True, slots=True)
class FieldPath:
    """A parsed path: which segment occurrence, field, repetition, component, subcomponent."""

    segment: str
    field: int
    occurrence: int = 1
    repetition: int = 1
    component: int = 1
    subcomponent: int = 1


@lru_cache(maxsize=1024)
def parse_path(path: str) -> FieldPath:
    """The ``FieldPath`` a path string names; ``ValueError`` (a caller's bug) when malformed."""
    match = _PATH.fullmatch(path)
    if match is None:
        raise ValueError(
            f"{path!r} is not an HL7 path such as 'PID-3', 'PID-3[2].1' or 'OBX[2]-5.1.2'"
        )
    parts = match.groupdict()
    return FieldPath(
        segment=parts["segment"],
        field=int(parts["field"]),
        occurrence=int(parts["occurrence"] or 1),
        repetition=int(parts["repetition"] or 1),
        component=int(parts["component"] or 1),
        subcomponent=int(parts["subcomponent"] or 1),
    )
