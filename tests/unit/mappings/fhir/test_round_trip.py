"""Every shared FHIR example of a mapped type survives FHIR -> canonical -> FHIR.

What does not survive is exactly what ``loss.py`` lists for the type: the test compares
the two JSON trees leaf by leaf, so an element dropped without being listed, a value
changed, or anything invented fails it. Every output is validated by fhir.resources
(R4B) and its required codes checked against the R4 value sets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from healthbridge.mappings.fhir import (
    CARRIED_ELEMENTS,
    FHIR_LOSS,
    FHIR_READERS,
    canonical_to_fhir,
    is_lost,
)
from tests.unit.mappings.fhir.examples import (
    MAPPED_TYPES,
    examples_of,
    flatten,
    normalized,
    oracle,
)
from tests.unit.mappings.fhir.value_sets import code_violations


@pytest.mark.parametrize("resource_type", MAPPED_TYPES)
def test_every_example_round_trips_minus_exactly_the_listed_losses(
    shared_data: Path, resource_type: str
) -> None:
    cases = examples_of(shared_data, resource_type)
    assert cases, f"the shared data has no {resource_type} example"
    failures = []
    for case in cases:
        output = canonical_to_fhir(FHIR_READERS[resource_type](case.resource))
        expected = {
            path: leaf
            for path, leaf in flatten(case.resource).items()
            if not is_lost(resource_type, normalized(path))
        }
        actual = flatten(output)
        missing = sorted(path for path in expected if actual.get(path) != expected[path])
        invented = sorted(path for path in actual if path not in expected)
        if missing or invented:
            failures.append(f"{case.where}: lost {missing[:5]} invented {invented[:5]}")
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize("resource_type", MAPPED_TYPES)
def test_every_output_is_valid_fhir_r4b_with_codes_from_the_required_value_sets(
    shared_data: Path, resource_type: str
) -> None:
    model = oracle(resource_type)
    for case in examples_of(shared_data, resource_type):
        output = canonical_to_fhir(FHIR_READERS[resource_type](case.resource))
        model.model_validate(output)
        codes = {
            normalized(path): value
            for path, (kind, value) in flatten(output).items()
            if kind is str
        }
        assert not code_violations(resource_type, codes), case.where


@pytest.mark.parametrize("resource_type", MAPPED_TYPES)
def test_every_r4_element_of_the_type_is_either_carried_or_listed_as_lost(
    resource_type: str,
) -> None:
    fields = oracle(resource_type).model_fields
    elements = {
        field.alias or name
        for name, field in fields.items()
        if not name.endswith("__ext") and name != "fhir_comments"
    }
    refused = {"modifierExtension"}
    lost_top = {item.path for item in FHIR_LOSS[resource_type] if "." not in item.path}
    lost_top |= refused
    carried = CARRIED_ELEMENTS[resource_type]
    assert not (carried & lost_top), "an element cannot be both carried and lost"
    assert elements - {"resourceType"} <= carried | lost_top, elements - carried - lost_top


def test_the_examples_cover_every_mapped_type_and_the_synthea_bundles(shared_data: Path) -> None:
    counts = {name: len(examples_of(shared_data, name)) for name in MAPPED_TYPES}
    assert all(counts.values()), counts
    assert counts["Coverage"] > 200, "Synthea contained Coverage resources are included"
    assert counts["Practitioner"] > 100, "Synthea provider bundles are included"
