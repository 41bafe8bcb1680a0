"""The contracts kept in the repository are exactly what the models generate, version by version.

If one of these fails, a canonical model (or event) changed: do not edit the JSON by
hand. Bump its version in ``CONTRACT_VERSIONS`` as far as ``healthbridge contracts diff``
says (breaking: major, additive: minor, compatible: patch) and regenerate with
``healthbridge contracts generate``; the old version's file stays.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from healthbridge.canonical.events import CANONICAL_EVENTS
from healthbridge.canonical.objects import CANONICAL_OBJECTS
from healthbridge.governance import (
    DATA_CLASSES,
    EFFECTS,
    contract_data_classes,
    contract_sources,
    contract_status,
    history_problems,
    list_contracts,
    read_contract,
)

CONTRACTS = Path(__file__).resolve().parents[3] / "contracts"
SOURCES = {source.name: source for source in contract_sources()}


def test_every_canonical_object_and_the_odoo_change_event_publish_a_contract() -> None:
    assert set(SOURCES) == {*CANONICAL_OBJECTS, "OdooChange", *CANONICAL_EVENTS}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_the_committed_contract_is_what_the_model_generates_at_its_version(name: str) -> None:
    (status,) = contract_status(CONTRACTS, [SOURCES[name]])

    assert status.state == "current", status.advice()


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_the_committed_contract_is_a_valid_json_schema_2020_12(name: str) -> None:
    source = SOURCES[name]
    document = read_contract(CONTRACTS / name / f"{source.version}.json")

    Draft202012Validator.check_schema(document)


@pytest.mark.parametrize("name", sorted(CANONICAL_OBJECTS))
def test_every_field_of_a_canonical_contract_declares_one_of_the_five_data_classes(
    name: str,
) -> None:
    document = read_contract(CONTRACTS / name / f"{SOURCES[name].version}.json")

    fields = dict(contract_data_classes(document))

    assert fields, f"{name} has no fields"
    wrong = {
        path: data_class for path, data_class in fields.items() if data_class not in DATA_CLASSES
    }
    assert not wrong, f"{name}: fields without a valid x-data-class: {wrong}"


def test_each_committed_version_moved_far_enough_for_what_changed() -> None:
    assert history_problems(CONTRACTS) == ()


def test_every_committed_contract_belongs_to_a_model_that_still_publishes_it() -> None:
    orphans = sorted({item.name for item in list_contracts(CONTRACTS)} - set(SOURCES))

    assert not orphans, f"contract folders with no model: {orphans}"


def test_the_readme_states_each_reason_kinds_effect_as_the_classifier_applies_it() -> None:
    readme = (CONTRACTS / "README.md").read_text(encoding="utf-8")

    for kind, (read, write) in EFFECTS.items():
        assert f"| `{kind}` | {read} | {write} |" in readme, kind
