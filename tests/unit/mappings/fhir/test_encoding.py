"""``fhir_json`` writes the bytes the stdlib's compact JSON writes, only faster."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthbridge.mappings.fhir import fhir_json

GOLDEN = Path(__file__).with_name("golden")


def stdlib(value: Any) -> bytes:
    """What Starlette's JSONResponse sends for ``value``."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def golden_resources() -> list[dict[str, Any]]:
    return [
        case["fhir"]
        for path in sorted(GOLDEN.glob("*.json"))
        for case in json.loads(path.read_text())["cases"]
    ]


def test_every_golden_fhir_resource_encodes_to_the_stdlib_bytes() -> None:
    resources = golden_resources()
    assert len(resources) > 10
    for resource in resources:
        assert fhir_json(resource) == stdlib(resource)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), json_values, max_size=6))
def test_any_json_document_encodes_to_the_stdlib_bytes(document: dict[str, Any]) -> None:
    assert fhir_json(document) == stdlib(document)


def test_small_and_large_amounts_keep_the_stdlib_exponent_form() -> None:
    resource = {"resourceType": "Invoice", "factors": [5e-08, 1e-05, 0.0001, 1e16, 1.5e300]}
    assert fhir_json(resource) == stdlib(resource)
    assert b"5e-08" in fhir_json(resource)


def test_an_integer_beyond_64_bits_is_written_whole() -> None:
    resource = {"resourceType": "Invoice", "totalNet": {"value": 10**30}}
    assert (
        fhir_json(resource)
        == b'{"resourceType":"Invoice","totalNet":{"value":' + b"1" + b"0" * 30 + b"}}"
    )


@settings(max_examples=1000)
@given(st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
def test_every_finite_float_and_any_text_beside_it_encode_to_the_stdlib_bytes(
    number: float, label: str
) -> None:
    document = {"value": number, "text": label}
    assert fhir_json(document) == stdlib(document)


@pytest.mark.parametrize("bad", [float("inf"), float("-inf"), float("nan")])
def test_a_number_json_cannot_hold_is_refused_not_written_as_null(bad: float) -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        fhir_json({"resourceType": "Invoice", "totalNet": {"value": bad}})
