"""FHIR Practitioner <-> canonical Practitioner (identity and contact data only)."""

from __future__ import annotations

from typing import Any

from healthbridge.canonical.practitioner import Practitioner
from healthbridge.mappings.fhir.building import build
from healthbridge.mappings.fhir.datatypes import (
    address_json,
    contact_point_json,
    human_name_json,
    put_all,
    read_address,
    read_contact_point,
    read_human_name,
    read_many,
)
from healthbridge.mappings.fhir.patient import GENDERS
from healthbridge.mappings.fhir.primitives import boolean, code, day
from healthbridge.mappings.fhir.resource import open_resource, read_identifiers, start_resource


def fhir_to_practitioner(resource: Any) -> Practitioner:
    """Canonical Practitioner from a FHIR R4 Practitioner; MappingError if it is not one."""
    path = "Practitioner"
    obj = open_resource(resource, path)
    return build(
        Practitioner,
        path,
        identifiers=read_identifiers(obj, path),
        active=boolean(obj, "active", path),
        names=read_many(obj, "name", path, read_human_name),
        telecom=read_many(obj, "telecom", path, read_contact_point),
        addresses=read_many(obj, "address", path, read_address),
        gender=code(obj, "gender", path, GENDERS),
        birth_date=day(obj, "birthDate", path),
    )


def practitioner_to_fhir(practitioner: Practitioner) -> dict[str, Any]:
    """FHIR R4 Practitioner JSON for a canonical Practitioner."""
    out = start_resource("Practitioner", practitioner.identifiers)
    if practitioner.active is not None:
        out["active"] = practitioner.active
    if practitioner.names:
        put_all(out, "name", [human_name_json(name) for name in practitioner.names])
    if practitioner.telecom:
        put_all(out, "telecom", [contact_point_json(point) for point in practitioner.telecom])
    if practitioner.addresses:
        put_all(out, "address", [address_json(address) for address in practitioner.addresses])
    if practitioner.gender is not None:
        out["gender"] = practitioner.gender
    if practitioner.birth_date is not None:
        out["birthDate"] = practitioner.birth_date.isoformat()
    return out
