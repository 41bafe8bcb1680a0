"""One before/after schema pair per reason kind: the reason found, and its effect per side.

Each case changes the schema of one property ``x`` and states the expected reason kind
and its effect on readers and on writers; the verdict for ``both`` is the worse of the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from healthbridge.governance import REASON_KINDS, classify


def wrap(node: Any, *, required: bool = False) -> dict[str, Any]:
    """An object schema whose only property ``x`` is ``node``."""
    schema: dict[str, Any] = {"type": "object", "properties": {"x": node}}
    if required:
        schema["required"] = ["x"]
    return schema


def obj(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(required)}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}


@dataclass(frozen=True)
class Case:
    kind: str
    old: dict[str, Any]
    new: dict[str, Any]
    read: str
    write: str
    path: str = "/properties/x"


CASES: dict[str, Case] = {
    "a property removed": Case(
        "field_removed",
        obj({"a": STRING, "x": INTEGER}),
        obj({"a": STRING}),
        "breaking",
        "breaking",
    ),
    "an optional property added": Case(
        "field_added_optional",
        obj({"a": STRING}),
        obj({"a": STRING, "x": INTEGER}),
        "additive",
        "additive",
    ),
    "a required property added": Case(
        "required_added",
        obj({"a": STRING}),
        obj({"a": STRING, "x": INTEGER}, ("x",)),
        "additive",
        "breaking",
    ),
    "an optional property made required": Case(
        "field_made_required", wrap(STRING), wrap(STRING, required=True), "compatible", "breaking"
    ),
    "a required property made optional": Case(
        "field_made_optional", wrap(STRING, required=True), wrap(STRING), "breaking", "additive"
    ),
    "a string became an integer": Case(
        "type_changed", wrap(STRING), wrap(INTEGER), "breaking", "breaking"
    ),
    "string or integer became string": Case(
        "type_narrowed",
        wrap({"type": ["string", "integer"]}),
        wrap(STRING),
        "compatible",
        "breaking",
    ),
    "an integer became a number": Case(
        "type_widened", wrap(INTEGER), wrap({"type": "number"}), "breaking", "additive"
    ),
    "an enum value removed": Case(
        "enum_value_removed",
        wrap({"type": "string", "enum": ["draft", "posted", "cancel"]}),
        wrap({"type": "string", "enum": ["draft", "posted"]}),
        "compatible",
        "breaking",
    ),
    "an enum value added": Case(
        "enum_value_added",
        wrap({"type": "string", "enum": ["draft", "posted"]}),
        wrap({"type": "string", "enum": ["draft", "posted", "cancel"]}),
        "additive",
        "additive",
    ),
    "a const replaced": Case(
        "const_changed",
        wrap({"type": "string", "const": "webhook"}),
        wrap({"type": "string", "const": "poller"}),
        "breaking",
        "breaking",
    ),
    "a format replaced": Case(
        "format_changed",
        wrap({"type": "string", "format": "date"}),
        wrap({"type": "string", "format": "date-time"}),
        "breaking",
        "breaking",
    ),
    "a format added": Case(
        "format_added",
        wrap(STRING),
        wrap({"type": "string", "format": "email"}),
        "compatible",
        "breaking",
    ),
    "a format removed": Case(
        "format_removed",
        wrap({"type": "string", "format": "email"}),
        wrap(STRING),
        "breaking",
        "additive",
    ),
    "a maxLength lowered": Case(
        "constraint_tightened",
        wrap({"type": "string", "maxLength": 64}),
        wrap({"type": "string", "maxLength": 32}),
        "compatible",
        "breaking",
    ),
    "a maximum raised": Case(
        "constraint_loosened",
        wrap({"type": "integer", "maximum": 10}),
        wrap({"type": "integer", "maximum": 100}),
        "breaking",
        "additive",
    ),
    "a pattern replaced": Case(
        "constraint_changed",
        wrap({"type": "string", "pattern": "^[0-9]{13}$"}),
        wrap({"type": "string", "pattern": "^[A-Z]{3}$"}),
        "breaking",
        "breaking",
    ),
    "null no longer allowed": Case(
        "nullable_removed",
        wrap({"anyOf": [STRING, {"type": "null"}]}),
        wrap(STRING),
        "compatible",
        "breaking",
    ),
    "null now allowed": Case(
        "nullable_added",
        wrap(STRING),
        wrap({"anyOf": [STRING, {"type": "null"}]}),
        "breaking",
        "additive",
    ),
    "unknown properties now refused": Case(
        "additional_properties_closed",
        obj({"x": STRING}),
        {**obj({"x": STRING}), "additionalProperties": False},
        "compatible",
        "breaking",
        path="",
    ),
    "unknown properties now allowed": Case(
        "additional_properties_opened",
        {**obj({"x": STRING}), "additionalProperties": False},
        obj({"x": STRING}),
        "additive",
        "additive",
        path="",
    ),
    "a field relabelled from operational to phi": Case(
        "data_class_changed",
        wrap({"type": "string", "x-data-class": "operational"}),
        wrap({"type": "string", "x-data-class": "phi"}),
        "breaking",
        "breaking",
    ),
    "a tuple gained a position": Case(
        "array_items_changed",
        wrap({"type": "array", "prefixItems": [STRING, INTEGER]}),
        wrap({"type": "array", "prefixItems": [STRING, INTEGER, STRING]}),
        "breaking",
        "breaking",
    ),
    "a default changed": Case(
        "default_changed",
        wrap({"type": "integer", "default": 1}),
        wrap({"type": "integer", "default": 2}),
        "compatible",
        "breaking",
    ),
    "a description reworded": Case(
        "annotation_changed",
        wrap({"type": "string", "description": "The GTIN."}),
        wrap({"type": "string", "description": "The product's GTIN-13."}),
        "compatible",
        "compatible",
    ),
    "a keyword the classifier does not judge": Case(
        "unclassified_change",
        wrap({"type": "string"}),
        wrap({"type": "string", "not": {"const": ""}}),
        "breaking",
        "breaking",
        path="/properties/x/not",
    ),
    "only unused $defs changed": Case(
        "representation_changed",
        {**wrap(STRING), "$defs": {"Unused": STRING}},
        {**wrap(STRING), "$defs": {"Unused": INTEGER}},
        "compatible",
        "compatible",
        path="",
    ),
}

RANK = {"compatible": 1, "additive": 2, "breaking": 3}


def test_the_table_covers_every_reason_kind() -> None:
    assert sorted({case.kind for case in CASES.values()}) == sorted(REASON_KINDS)


@pytest.mark.parametrize("direction", ["read", "write", "both"])
@pytest.mark.parametrize("name", list(CASES))
def test_each_change_gives_exactly_its_reason_with_the_effect_for_that_side(
    name: str, direction: str
) -> None:
    case = CASES[name]
    expected = {
        "read": case.read,
        "write": case.write,
        "both": max(case.read, case.write, key=RANK.__getitem__),
    }[direction]

    report = classify(case.old, case.new, direction=direction)  # type: ignore[arg-type]

    assert [(r.kind, r.path) for r in report.reasons] == [(case.kind, case.path)]
    assert report.reasons[0].effect == expected
    assert report.verdict == expected
    assert report.direction == direction


@pytest.mark.parametrize("name", list(CASES))
def test_a_breaking_reason_names_the_sides_it_breaks(name: str) -> None:
    case = CASES[name]
    reason = classify(case.old, case.new).reasons[0]
    sides = tuple(
        side
        for side, effect in (("readers", case.read), ("writers", case.write))
        if effect == "breaking"
    )
    assert reason.breaks == sides


@pytest.mark.parametrize("name", list(CASES))
def test_every_change_read_backwards_is_not_identical(name: str) -> None:
    case = CASES[name]
    assert classify(case.new, case.old).verdict != "identical"
    assert classify(case.old, case.old).verdict == "identical"
