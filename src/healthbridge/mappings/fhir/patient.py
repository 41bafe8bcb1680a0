"""FHIR Patient <-> canonical Patient (administrative and billing data only).

``deceasedDateTime`` reads as ``deceased=True`` with ``deceased_at``; ``deceasedBoolean``
as ``deceased`` alone. Photo, communication, contacts, links and multiple-birth data are
not carried (see ``loss.py``).
"""

from __future__ import annotations

from typing import Any

from healthbridge.canonical.patient import Patient
from healthbridge.mappings.fhir.building import build
from healthbridge.mappings.fhir.datatypes import (
    address_json,
    concept_json,
    contact_point_json,
    human_name_json,
    put,
    put_all,
    read_address,
    read_concept,
    read_contact_point,
    read_human_name,
    read_many,
    read_one,
    read_reference,
    reference_json,
)
from healthbridge.mappings.fhir.errors import MappingError
from healthbridge.mappings.fhir.primitives import boolean, code, day, day_or_instant, temporal_json
from healthbridge.mappings.fhir.resource import open_resource, read_identifiers, start_resource

GENDERS = frozenset({"male", "female", "other", "unknown"})


def fhir_to_patient(resource: Any) -> Patient:
    """Canonical Patient from a FHIR R4 Patient; MappingError if it is not one."""
    path = "Patient"
    obj = open_resource(resource, path)
    deceased = boolean(obj, "deceasedBoolean", path)
    deceased_at = day_or_instant(obj, "deceasedDateTime", path)
    if deceased_at is not None:
        if deceased is not None:
            raise MappingError(f"{path}.deceased[x]", "only one of its forms may be present")
        deceased = True
    return build(
        Patient,
        path,
        identifiers=read_identifiers(obj, path),
        active=boolean(obj, "active", path),
        names=read_many(obj, "name", path, read_human_name),
        telecom=read_many(obj, "telecom", path, read_contact_point),
        gender=code(obj, "gender", path, GENDERS),
        birth_date=day(obj, "birthDate", path),
        deceased=deceased,
        deceased_at=deceased_at,
        addresses=read_many(obj, "address", path, read_address),
        marital_status=read_one(obj, "maritalStatus", path, read_concept),
        managing_organization=read_one(obj, "managingOrganization", path, read_reference),
        general_practitioners=read_many(obj, "generalPractitioner", path, read_reference),
    )


def patient_to_fhir(patient: Patient) -> dict[str, Any]:
    """FHIR R4 Patient JSON for a canonical Patient."""
    out = start_resource("Patient", patient.identifiers)
    if patient.active is not None:
        out["active"] = patient.active
    if patient.names:
        put_all(out, "name", [human_name_json(name) for name in patient.names])
    if patient.telecom:
        put_all(out, "telecom", [contact_point_json(point) for point in patient.telecom])
    if patient.gender is not None:
        out["gender"] = patient.gender
    if patient.birth_date is not None:
        out["birthDate"] = patient.birth_date.isoformat()
    if patient.deceased_at is not None:
        out["deceasedDateTime"] = temporal_json(patient.deceased_at)
    elif patient.deceased is not None:
        out["deceasedBoolean"] = patient.deceased
    if patient.addresses:
        put_all(out, "address", [address_json(address) for address in patient.addresses])
    if patient.marital_status is not None:
        put(out, "maritalStatus", concept_json(patient.marital_status))
    if patient.managing_organization is not None:
        put(out, "managingOrganization", reference_json(patient.managing_organization))
    if patient.general_practitioners:
        put_all(
            out,
            "generalPractitioner",
            [reference_json(reference) for reference in patient.general_practitioners],
        )
    return out
