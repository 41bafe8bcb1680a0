"""What a contract change does to the two kinds of party that use a contract.

A contract describes JSON that moves between a *writer* (who produces it) and a *reader*
(who consumes it). Healthbridge contracts go both ways: consumers read the events and
responses the hub writes, and they write inbound API bodies the hub reads. A change is
judged from each side:

- A reader built on the old contract must cope with everything the new one allows. So
  *widening* what may be sent (a wider type, ``null`` allowed, a constraint loosened, a
  field made optional) breaks readers, and *narrowing* it is merely compatible.
- A writer built on the old contract must still produce valid data. So *narrowing*
  (a narrower type, a new required field, a constraint tightened, an enum value removed)
  breaks writers, and *widening* is additive: writers may now send more.
- Readers are tolerant by rule (see ``contracts/README.md``): they ignore properties they
  do not know and accept enum values they do not know. A new optional field, a new enum
  value and opening ``additionalProperties`` are therefore additive for both sides.
- Whatever no side can rely on survives neither way: a removed field, a type or
  ``const`` replaced by a disjoint one, a changed ``format`` or ``pattern``, and a changed
  data class (consumers entitled to the old class may no longer be entitled to the field).

``direction="both"`` (the default) keeps the worse of the two judgements.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

Direction = Literal["read", "write", "both"]
Effect = Literal["breaking", "additive", "compatible"]
Verdict = Literal["breaking", "additive", "compatible", "identical"]
ReasonKind = Literal[
    "additional_properties_closed",
    "additional_properties_opened",
    "annotation_changed",
    "array_items_changed",
    "const_changed",
    "constraint_changed",
    "constraint_loosened",
    "constraint_tightened",
    "data_class_changed",
    "default_changed",
    "enum_value_added",
    "enum_value_removed",
    "field_added_optional",
    "field_made_optional",
    "field_made_required",
    "field_removed",
    "format_added",
    "format_changed",
    "format_removed",
    "nullable_added",
    "nullable_removed",
    "representation_changed",
    "required_added",
    "type_changed",
    "type_narrowed",
    "type_widened",
    "unclassified_change",
]

REASON_KINDS: tuple[ReasonKind, ...] = get_args(ReasonKind)

_B: Effect = "breaking"
_A: Effect = "additive"
_C: Effect = "compatible"

EFFECTS: Mapping[ReasonKind, tuple[Effect, Effect]] = {
    "additional_properties_closed": (_C, _B),
    "additional_properties_opened": (_A, _A),
    "annotation_changed": (_C, _C),
    "array_items_changed": (_B, _B),
    "const_changed": (_B, _B),
    "constraint_changed": (_B, _B),
    "constraint_loosened": (_B, _A),
    "constraint_tightened": (_C, _B),
    "data_class_changed": (_B, _B),
    # Readers see the value either way; a writer that omits the field now means another.
    "default_changed": (_C, _B),
    "enum_value_added": (_A, _A),
    "enum_value_removed": (_C, _B),
    "field_added_optional": (_A, _A),
    "field_made_optional": (_B, _A),
    "field_made_required": (_C, _B),
    "field_removed": (_B, _B),
    "format_added": (_C, _B),
    "format_changed": (_B, _B),
    "format_removed": (_B, _A),
    "nullable_added": (_B, _A),
    "nullable_removed": (_C, _B),
    "representation_changed": (_C, _C),
    "required_added": (_A, _B),
    "type_changed": (_B, _B),
    "type_narrowed": (_C, _B),
    "type_widened": (_B, _A),
    # A keyword the classifier cannot judge is a human's call: assume the worst.
    "unclassified_change": (_B, _B),
}
"""Each kind's effect on (readers, writers)."""

_RANK: Mapping[str, int] = {"identical": 0, "compatible": 1, "additive": 2, "breaking": 3}


def effect_for(kind: ReasonKind, direction: Direction) -> Effect:
    """The effect of a change of ``kind`` on the parties ``direction`` names (worst wins)."""
    read, write = EFFECTS[kind]
    if direction == "read":
        return read
    if direction == "write":
        return write
    return read if _RANK[read] >= _RANK[write] else write


def broken_sides(kind: ReasonKind, direction: Direction) -> tuple[str, ...]:
    """Which of "readers" and "writers" (within ``direction``) a change of ``kind`` breaks."""
    read, write = EFFECTS[kind]
    sides: list[str] = []
    if direction in ("read", "both") and read == "breaking":
        sides.append("readers")
    if direction in ("write", "both") and write == "breaking":
        sides.append("writers")
    return tuple(sides)


@dataclass(frozen=True)
class Reason:
    """One difference between two contracts and what it does to their users.

    ``old`` and ``new`` are schema fragments (``None`` where the thing is absent), never
    data. ``path`` is a JSON Pointer through the logical shape of the data
    (``/properties/lines/items/properties/quantity``), with ``$ref`` already followed.
    """

    kind: ReasonKind
    path: str
    old: Any
    new: Any
    effect: Effect
    detail: str
    breaks: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view, for ``--json`` output and stored reviews."""
        return {
            "kind": self.kind,
            "path": self.path,
            "old": self.old,
            "new": self.new,
            "effect": self.effect,
            "breaks": list(self.breaks),
            "detail": self.detail,
        }


@dataclass(frozen=True)
class CompatibilityReport:
    """The verdict on a contract change, with every reason behind it."""

    verdict: Verdict
    direction: Direction
    reasons: tuple[Reason, ...]

    @property
    def breaking(self) -> tuple[Reason, ...]:
        """The reasons that make the change breaking."""
        return tuple(reason for reason in self.reasons if reason.effect == "breaking")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view, for ``--json`` output and stored reviews."""
        return {
            "verdict": self.verdict,
            "direction": self.direction,
            "reasons": [reason.to_dict() for reason in self.reasons],
        }


def verdict_of(reasons: tuple[Reason, ...]) -> Verdict:
    """The worst effect among ``reasons``, or ``identical`` when there are none."""
    worst: Verdict = "identical"
    for reason in reasons:
        if _RANK[reason.effect] > _RANK[worst]:
            worst = reason.effect
    return worst


class ReasonLog:
    """Collects reasons in the order they are found, judging each for one direction."""

    def __init__(self, direction: Direction) -> None:
        self.direction: Direction = direction
        self.reasons: list[Reason] = []

    def add(self, kind: ReasonKind, path: str, old: Any, new: Any, detail: str) -> None:
        """Record one difference; its effect and broken sides follow from ``kind``."""
        self.reasons.append(
            Reason(
                kind=kind,
                path=path,
                old=old,
                new=new,
                effect=effect_for(kind, self.direction),
                detail=detail,
                breaks=broken_sides(kind, self.direction),
            )
        )
