"""The classifier is total: any two schemas, even malformed ones, give a report, never a crash."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthbridge.governance import classify as classify_change
from healthbridge.governance import effect_for, render_report

DEF_NAMES = ("Line", "Party", "Money")
KEYWORDS = (
    "type", "enum", "const", "format", "pattern", "minimum", "exclusiveMinimum", "maximum",
    "maxLength", "minLength", "multipleOf", "uniqueItems", "maxItems", "required", "default",
    "description", "x-data-class", "additionalProperties", "not", "allOf", "$ref", "items",
)  # fmt: skip

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=4,
)
types = st.sampled_from(["string", "integer", "number", "boolean", "object", "array", "null"])

leaf_schemas = st.one_of(
    st.booleans(),
    st.builds(lambda t: {"type": t}, types | st.lists(types, max_size=3)),
    st.builds(lambda v: {"enum": v}, st.lists(json_scalars, max_size=4)),
    st.builds(lambda v: {"const": v}, json_scalars),
    st.builds(
        lambda f: {"type": "string", "format": f}, st.sampled_from(["date", "date-time", "email"])
    ),
    st.builds(lambda n: {"$ref": f"#/$defs/{n}"}, st.sampled_from((*DEF_NAMES, "Missing"))),
    st.builds(lambda c: {"x-data-class": c}, st.sampled_from(["phi", "pii", "operational", 3])),
    st.dictionaries(st.sampled_from(KEYWORDS), json_values, max_size=3),
    json_scalars,
)


def object_schema(props: Any, required: Any, extra: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required, **extra}


def with_keywords(base: Any, extra: dict[str, Any]) -> Any:
    return {**base, **extra} if isinstance(base, dict) else base


def composite(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    names = st.sampled_from(["id", "name", "lines", "a/b", "~x"])
    alternatives = st.lists(inner | st.just({"type": "null"}), max_size=4)
    keywords = st.dictionaries(st.sampled_from(KEYWORDS), json_values, max_size=2)
    return st.one_of(
        st.builds(
            object_schema,
            st.dictionaries(names, inner, max_size=4),
            st.lists(names, max_size=3) | json_values,
            st.dictionaries(st.sampled_from(KEYWORDS), inner, max_size=2),
        ),
        st.builds(lambda items: {"type": "array", "items": items}, inner),
        st.builds(lambda items: {"prefixItems": items}, st.lists(inner, max_size=3)),
        st.builds(lambda alts: {"anyOf": alts}, alternatives),
        st.builds(lambda alts: {"oneOf": alts}, st.lists(inner, max_size=3)),
        st.builds(lambda one: {"allOf": [one], "description": "wrapped"}, inner),
        st.builds(lambda value: {"additionalProperties": value}, inner),
        st.builds(with_keywords, inner, keywords),
    )


node_schemas = st.recursive(leaf_schemas, composite, max_leaves=10)
documents = st.builds(
    lambda root, defs: {**root, "$defs": defs} if isinstance(root, dict) else root,
    node_schemas,
    st.dictionaries(st.sampled_from(DEF_NAMES), node_schemas, max_size=3),
)
directions = st.sampled_from(["read", "write", "both"])

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(old=documents, new=documents, direction=directions)
def test_any_two_schemas_give_a_report_whose_verdict_is_its_worst_reason(
    old: Any, new: Any, direction: Any
) -> None:
    report = classify_change(old, new, direction=direction)

    assert report.verdict in {"breaking", "additive", "compatible", "identical"}
    assert (report.verdict == "identical") == (report.reasons == ())
    rank = {"compatible": 1, "additive": 2, "breaking": 3}
    if report.reasons:
        assert report.verdict == max((r.effect for r in report.reasons), key=rank.__getitem__)
    for reason in report.reasons:
        assert reason.effect == effect_for(reason.kind, direction)
        assert reason.path == "" or reason.path.startswith("/")
    assert render_report(report).startswith(report.verdict)


@SETTINGS
@given(schema=documents, direction=directions)
def test_a_schema_compared_with_itself_is_identical_with_no_reasons(
    schema: Any, direction: Any
) -> None:
    report = classify_change(schema, copy.deepcopy(schema), direction=direction)

    assert report.verdict == "identical"
    assert report.reasons == ()


@SETTINGS
@given(schema=documents.filter(lambda doc: isinstance(doc, dict)))
def test_a_walk_over_equal_schemas_finds_only_the_one_reworded_description(schema: Any) -> None:
    reworded = {**schema, "description": "reworded for this test only"}

    report = classify_change(schema, reworded)

    if schema.get("description") == reworded["description"]:
        assert report.verdict == "identical"
    else:
        assert {r.kind for r in report.reasons} <= {"annotation_changed"}
        assert {r.path for r in report.reasons} == {""}
        assert report.verdict == "compatible"
