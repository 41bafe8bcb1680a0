"""Random, truncated and mutated FHIR JSON into every mapper: a MappingError or a result.

No other exception may escape a mapper, whatever it is fed; and whatever a reader
accepts, its writer must turn back into FHIR that reads to the same canonical object.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthbridge.mappings.fhir import (
    CARRIED_ELEMENTS,
    FHIR_READERS,
    MappingError,
    canonical_from_fhir,
    canonical_to_fhir,
)
from tests.unit.mappings.fhir.examples import MAPPED_TYPES, examples_of

SENTINEL = "SECRET-7Q"

FHIR_WORDS = sorted(
    {word for words in CARRIED_ELEMENTS.values() for word in words}
    | {"system", "value", "code", "display", "coding", "text", "reference", "start", "end"}
    | {"currency", "unit", "use", "family", "given", "line", "city", "modifierExtension"}
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["2016-12-31", "2017-01-25T08:00:00+01:00", "2014", "male", "active"])
    | st.just(SENTINEL)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(FHIR_WORDS) | st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _check_refusal(error: MappingError) -> None:
    """A refusal names a path and a reason, and never quotes the input."""
    assert SENTINEL not in str(error), "a MappingError must never quote the input"
    assert error.code == "mapping.invalid_input"
    assert str(error) == f"{error.path}: {error.reason}"


def _map_or_refuse(resource_type: str, payload: Any) -> None:
    """Reader, then writer, then reader again; MappingError is the only refusal allowed."""
    try:
        obj = FHIR_READERS[resource_type](payload)
    except MappingError as error:
        _check_refusal(error)
        return
    again = FHIR_READERS[resource_type](canonical_to_fhir(obj))
    assert again == obj


@pytest.mark.parametrize("resource_type", MAPPED_TYPES)
@FUZZ
@given(payload=json_values)
def test_arbitrary_json_gets_a_mapping_error_or_a_canonical_object(
    resource_type: str, payload: Any
) -> None:
    _map_or_refuse(resource_type, payload)


@pytest.mark.parametrize("resource_type", MAPPED_TYPES)
@FUZZ
@given(data=st.data())
def test_resources_with_random_elements_get_a_mapping_error_or_a_canonical_object(
    resource_type: str, data: st.DataObject
) -> None:
    elements = sorted(CARRIED_ELEMENTS[resource_type] - {"resourceType"})
    payload = data.draw(
        st.fixed_dictionaries(
            {"resourceType": st.just(resource_type)},
            optional=dict.fromkeys(elements, json_values),
        )
    )
    _map_or_refuse(resource_type, payload)


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*here, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*here, index))
    return found


def _mutate(document: Any, path: tuple[Any, ...], how: str, replacement: Any) -> Any:
    """A copy of ``document`` with the element at ``path`` removed, cut short or replaced."""
    copy = json.loads(json.dumps(document))
    if not path:
        return replacement
    parent = copy
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "remove":
        del parent[last]
    elif how == "truncate" and isinstance(parent[last], list | str):
        parent[last] = parent[last][: len(parent[last]) // 2]
    else:
        parent[last] = replacement
    return copy


@pytest.mark.parametrize("resource_type", MAPPED_TYPES)
@FUZZ
@given(data=st.data())
def test_real_examples_cut_short_or_mutated_get_a_mapping_error_or_a_canonical_object(
    shared_data: Path, resource_type: str, data: st.DataObject
) -> None:
    example = data.draw(st.sampled_from(examples_of(shared_data, resource_type)[:40]))
    document: Any = example.resource
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        path = data.draw(st.sampled_from(_paths(document)))
        how = data.draw(st.sampled_from(["remove", "truncate", "replace"]))
        document = _mutate(document, path, how, data.draw(json_values))
    _map_or_refuse(resource_type, document)


@FUZZ
@given(payload=json_values)
def test_the_odoo_bound_path_refuses_arbitrary_json_only_with_a_mapping_error(
    payload: Any,
) -> None:
    try:
        canonical_from_fhir(payload)
    except MappingError as error:
        _check_refusal(error)
