"""Canonical objects are frozen, closed, versioned contracts with a JSON Schema each."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pydantic import ValidationError

from healthbridge.canonical.objects import (
    CANONICAL_OBJECTS,
    CONTRACT_VERSIONS,
    Patient,
)


def test_every_object_has_a_semver_contract_version() -> None:
    assert set(CONTRACT_VERSIONS) == set(CANONICAL_OBJECTS)
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in CONTRACT_VERSIONS.values())


def test_the_catalogue_holds_every_object_the_issue_names() -> None:
    named = {
        "Organization",
        "Patient",
        "Practitioner",
        "Location",
        "Product",
        "Lot",
        "StockLevel",
        "SupplyOrder",
        "ServiceOrder",
        "Invoice",
        "Payment",
        "Coverage",
    }
    assert named <= set(CANONICAL_OBJECTS)


@pytest.mark.parametrize("name", sorted(CANONICAL_OBJECTS))
def test_every_object_is_frozen_and_closed(name: str) -> None:
    config = CANONICAL_OBJECTS[name].model_config
    assert config.get("frozen") is True
    assert config.get("extra") == "forbid"


def test_a_patient_cannot_be_changed_or_given_unknown_fields() -> None:
    patient = Patient(gender="female", birth_date=date(1990, 1, 1))
    with pytest.raises(ValidationError):
        patient.gender = "male"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="extra"):
        Patient(diagnosis="asthma")  # type: ignore[call-arg]
    assert hash(patient) == hash(Patient(gender="female", birth_date=date(1990, 1, 1)))


def test_a_patient_dumped_to_json_validates_against_its_own_contract() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    patient = Patient(gender="unknown", birth_date=date(2001, 2, 3), deceased=False)
    schema = Patient.model_json_schema(mode="serialization")
    jsonschema.Draft202012Validator(schema).validate(patient.model_dump(mode="json"))
