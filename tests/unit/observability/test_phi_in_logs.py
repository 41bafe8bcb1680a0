"""No PHI value of real patient test data reaches the logs, however it is logged."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pytest
import structlog
from pydantic import BaseModel

from healthbridge.canonical.classification import DataClass, data_class_of
from healthbridge.canonical.patient import Patient
from healthbridge.core.errors import InvalidRequestError
from healthbridge.mappings.fhir.patient import fhir_to_patient
from healthbridge.observability import REDACTED, classified_keys, configure_logging

EXAMPLES = (
    "patient-example.json",
    "patient-example-f001-pieter.json",
    "patient-glossy-example.json",
    "patient-example-d.json",
)
SENSITIVE = (DataClass.PHI, DataClass.PII)


def _patients(shared_data: Path) -> list[Patient]:
    folder = shared_data / "fhir-r4"
    return [fhir_to_patient(json.loads((folder / name).read_text())) for name in EXAMPLES]


def _leaves(model: BaseModel) -> list[tuple[DataClass, Any]]:
    """Every leaf value of ``model`` with the data class its own model declares for it."""
    found: list[tuple[DataClass, Any]] = []
    for field in type(model).model_fields:
        value = getattr(model, field)
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if isinstance(item, BaseModel):
                found.extend(_leaves(item))
            elif item is not None:
                found.append((data_class_of(type(model), field), item))
    return found


def _phi_values(patient: Patient) -> set[str]:
    """Every PHI/PII leaf of ``patient`` as text: names, birth dates, phones, addresses, ids.

    Leaves a nested value declares public or operational (a name's ``use``, a reference
    to the managing organization) are left out: they identify no one.
    """
    return {
        str(value)
        for data_class, value in _leaves(patient)
        # Booleans and one-letter codes ("M", "en") identify no one and match anything.
        if data_class in SENSITIVE and isinstance(value, str | date) and len(str(value)) >= 3
    }


def _map(family: str, born: str, dump: dict[str, Any]) -> None:
    raise ValueError(f"cannot map {family} born {born}: {dump}")


def _reject(family: str) -> None:
    known: dict[str, int] = {}
    try:
        known[family]
    except KeyError as exc:
        raise InvalidRequestError("the patient has no usable name") from exc


def _log_patients_every_way(patients: list[Patient]) -> None:
    log = structlog.get_logger()
    dumps = [p.model_dump(mode="json") for p in patients]
    for patient, dump in zip(patients, dumps, strict=True):
        log.info("patient_received", source="fhir", patient=dump)
        log.info("patient_fields", **{k: v for k, v in dump.items() if v not in (None, [], ())})
        family = (patient.names[0].family if patient.names else None) or "unknown"
        log.info(
            "odoo_write",
            model="res.partner",
            vals={"name": family, "email": "x@example.org", "birthdate": str(patient.birth_date)},
        )
        try:
            _map(family, str(patient.birth_date), dump)
        except ValueError:
            log.exception("patient_mapping_failed", source="fhir")
        try:
            _reject(family)
        except InvalidRequestError:
            log.exception("patient_rejected")
    log.warning("patient_batch", count=len(dumps), patients=dumps)


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_no_phi_value_of_the_patient_examples_appears_in_the_logs(
    shared_data: Path, capsys: pytest.CaptureFixture[str], fmt: Literal["json", "console"]
) -> None:
    patients = _patients(shared_data)
    phi = set().union(*(_phi_values(p) for p in patients))
    assert len(phi) > 20  # the examples really hold names, dates, phones and addresses

    configure_logging("info", fmt, extra_sensitive=classified_keys(Patient))
    _log_patients_every_way(patients)

    output = capsys.readouterr().err
    assert output.count("patient_received") == len(patients)
    assert "ValueError" in output  # the exception is logged, its message is not
    assert "the patient has no usable name" in output  # safe messages stay readable
    assert REDACTED in output
    leaked = sorted(value for value in phi if value in output)
    assert not leaked, f"PHI reached the logs: {len(leaked)} values"


def test_the_patient_fields_classified_phi_are_the_keys_redacted() -> None:
    keys = classified_keys(Patient)
    assert {"names", "birth_date", "telecom", "addresses", "identifiers", "gender"} <= keys
    assert "active" not in keys
    assert "managing_organization" not in keys
