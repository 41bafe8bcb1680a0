"""A mapping's output for its golden inputs changes only together with its version.

``golden/<mapping>@<version>.json`` holds, for a fixed set of canonical inputs, what the
writer produced and what the reader made of that when the version was recorded. If the
mapping now produces anything else, the version in ``MAPPING_VERSIONS`` must move (and
the new version be recorded with ``python -m tests.unit.mappings.fhir.golden_record``).
"""

from __future__ import annotations

import json

import pytest

from healthbridge.canonical.objects import CANONICAL_OBJECTS
from healthbridge.mappings.fhir import MAPPING_VERSIONS
from tests.unit.mappings.fhir.examples import oracle
from tests.unit.mappings.fhir.golden_cases import GOLDEN_CASES, run_case
from tests.unit.mappings.fhir.golden_record import GOLDEN, golden_path

BUMP = "bump MAPPING_VERSIONS[{!r}] and record it with golden_record"


@pytest.mark.parametrize("mapping", sorted(MAPPING_VERSIONS))
def test_the_mapping_output_is_what_its_version_recorded(mapping: str) -> None:
    path = golden_path(mapping, MAPPING_VERSIONS[mapping])
    assert path.exists(), f"no golden examples for this version: {BUMP.format(mapping)}"
    document = json.loads(path.read_text())
    assert document["cases"], "a golden file needs at least one case"
    for case in document["cases"]:
        model = CANONICAL_OBJECTS[case["model"]]
        canonical = model.model_validate(case["canonical"])
        fhir, read_back = run_case(mapping, canonical)
        assert fhir == case["fhir"], f"{case['name']}: output changed: {BUMP.format(mapping)}"
        assert read_back.model_dump(mode="json") == case["read_back"], (
            f"{case['name']}: reading changed: {BUMP.format(mapping)}"
        )


@pytest.mark.parametrize("mapping", sorted(MAPPING_VERSIONS))
def test_the_golden_outputs_are_valid_fhir(mapping: str) -> None:
    path = golden_path(mapping, MAPPING_VERSIONS[mapping])
    resource_type = GOLDEN_CASES[mapping][2]
    for case in json.loads(path.read_text())["cases"]:
        oracle(resource_type).model_validate(case["fhir"])


def test_every_mapping_has_golden_cases_and_every_golden_file_a_mapping() -> None:
    assert set(GOLDEN_CASES) == set(MAPPING_VERSIONS)
    for path in GOLDEN.glob("*.json"):
        mapping, _, version = path.stem.partition("@")
        assert mapping in MAPPING_VERSIONS, path.name
        assert version, path.name
