"""FHIR Location <-> canonical Location."""

from __future__ import annotations

from typing import Any

from healthbridge.canonical.location import Location, Position
from healthbridge.mappings.fhir.building import build
from healthbridge.mappings.fhir.datatypes import (
    address_json,
    coding_json,
    concept_json,
    contact_point_json,
    put,
    put_all,
    read_address,
    read_coding,
    read_concept,
    read_contact_point,
    read_many,
    read_one,
    read_reference,
    reference_json,
)
from healthbridge.mappings.fhir.errors import MappingError
from healthbridge.mappings.fhir.primitives import (
    as_object,
    code,
    decimal,
    decimal_json,
    text,
    texts,
)
from healthbridge.mappings.fhir.resource import open_resource, read_identifiers, start_resource

STATUSES = frozenset({"active", "suspended", "inactive"})
MODES = frozenset({"instance", "kind"})


def fhir_to_location(resource: Any) -> Location:
    """Canonical Location from a FHIR R4 Location; MappingError if it is not one."""
    path = "Location"
    obj = open_resource(resource, path)
    return build(
        Location,
        path,
        identifiers=read_identifiers(obj, path),
        status=code(obj, "status", path, STATUSES),
        operational_status=read_one(obj, "operationalStatus", path, read_coding),
        name=text(obj, "name", path),
        aliases=texts(obj, "alias", path),
        description=text(obj, "description", path),
        mode=code(obj, "mode", path, MODES),
        types=read_many(obj, "type", path, read_concept),
        telecom=read_many(obj, "telecom", path, read_contact_point),
        address=read_one(obj, "address", path, read_address),
        physical_type=read_one(obj, "physicalType", path, read_concept),
        position=read_one(obj, "position", path, _read_position),
        managing_organization=read_one(obj, "managingOrganization", path, read_reference),
        part_of=read_one(obj, "partOf", path, read_reference),
    )


def location_to_fhir(location: Location) -> dict[str, Any]:
    """FHIR R4 Location JSON for a canonical Location."""
    out = start_resource("Location", location.identifiers)
    if location.status is not None:
        out["status"] = location.status
    if location.operational_status is not None:
        put(out, "operationalStatus", coding_json(location.operational_status))
    if location.name is not None:
        out["name"] = location.name
    if location.aliases:
        out["alias"] = list(location.aliases)
    if location.description is not None:
        out["description"] = location.description
    if location.mode is not None:
        out["mode"] = location.mode
    if location.types:
        put_all(out, "type", [concept_json(concept) for concept in location.types])
    if location.telecom:
        put_all(out, "telecom", [contact_point_json(point) for point in location.telecom])
    if location.address is not None:
        put(out, "address", address_json(location.address))
    if location.physical_type is not None:
        put(out, "physicalType", concept_json(location.physical_type))
    if location.position is not None:
        out["position"] = _position_json(location.position)
    if location.managing_organization is not None:
        put(out, "managingOrganization", reference_json(location.managing_organization))
    if location.part_of is not None:
        put(out, "partOf", reference_json(location.part_of))
    return out


def _read_position(value: Any, path: str) -> Position:
    obj = as_object(value, path)
    longitude = decimal(obj, "longitude", path)
    latitude = decimal(obj, "latitude", path)
    if longitude is None or latitude is None:
        raise MappingError(path, "longitude and latitude are both required")
    return build(
        Position,
        path,
        longitude=longitude,
        latitude=latitude,
        altitude=decimal(obj, "altitude", path),
    )


def _position_json(position: Position) -> dict[str, Any]:
    out: dict[str, Any] = {
        "longitude": decimal_json(position.longitude),
        "latitude": decimal_json(position.latitude),
    }
    if position.altitude is not None:
        out["altitude"] = decimal_json(position.altitude)
    return out
