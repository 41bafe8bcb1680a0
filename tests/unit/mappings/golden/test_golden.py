"""An hl7v2.* or odoo.* mapping's output for its golden inputs changes only with its version.

``recorded/<mapping>@<version>.json`` holds fixed inputs (synthetic HL7 messages written
in ``hl7_messages.py``; demo Odoo rows with their lines and tags) and what the mapping
made of each, or the error code it refused them with, when that version was recorded.
If the mapping now does anything else, its version in ``healthbridge.mappings.registry``
must move and the new version be recorded with
``python -m tests.unit.mappings.golden.golden_record``.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from healthbridge.mappings.registry import HL7_VERSIONS, ODOO_VERSIONS, MappingVersion
from tests.unit.mappings.golden.golden_record import (
    GOLDEN,
    golden_mappings,
    golden_path,
    run_case,
)
from tests.unit.mappings.golden.hl7_messages import HL7_CASES

BUMP = (
    "{name}: the output changed but the version did not: bump {name} in "
    "healthbridge.mappings.registry (HL7_VERSIONS / ODOO_VERSIONS) and re-record with "
    "python -m tests.unit.mappings.golden.golden_record"
)

MAPPINGS = {mapping.name: mapping for mapping in golden_mappings()}


@pytest.mark.parametrize("name", sorted(MAPPINGS))
def test_the_mapping_output_is_what_its_version_recorded(name: str) -> None:
    mapping: MappingVersion = MAPPINGS[name]
    path = golden_path(name, mapping.version)
    assert path.exists(), f"no golden examples for {name}@{mapping.version}: " + BUMP.format(
        name=name
    )
    document = json.loads(path.read_text())
    assert document["mapping"] == name
    assert document["version"] == mapping.version
    assert document["cases"], "a golden file needs at least one case"
    for case in document["cases"]:
        expected = {k: v for k, v in case.items() if k in ("output", "error")}
        assert run_case(mapping, case["input"]) == expected, (
            f"case {case['name']!r}: " + BUMP.format(name=name)
        )


def test_every_hl7_and_odoo_mapping_is_versioned_and_every_golden_file_names_one() -> None:
    assert set(MAPPINGS) == set(HL7_VERSIONS) | set(ODOO_VERSIONS)
    assert set(HL7_CASES) == set(HL7_VERSIONS)
    for path in GOLDEN.glob("*.json"):
        name, _, version = path.stem.partition("@")
        assert name in MAPPINGS, f"{path.name} names no registered mapping"
        assert version, path.name


def test_golden_files_record_refusals_as_well_as_outputs() -> None:
    outcomes = set()
    for path in GOLDEN.glob("hl7v2.*.json"):
        for case in json.loads(path.read_text())["cases"]:
            outcomes.add("error" if "error" in case else "output")
    assert outcomes == {"error", "output"}


def test_a_mapping_whose_output_changed_no_longer_matches_its_recording() -> None:
    mapping = MAPPINGS["hl7v2.patient"]
    document = json.loads(golden_path(mapping.name, mapping.version).read_text())
    case = next(c for c in document["cases"] if "output" in c)

    def without_birth_date(message: object) -> object:
        patient = mapping.function(message)
        return patient.model_copy(update={"birth_date": None})  # type: ignore[attr-defined]

    changed = replace(mapping, function=without_birth_date)
    assert run_case(changed, case["input"]) != {"output": case["output"]}
