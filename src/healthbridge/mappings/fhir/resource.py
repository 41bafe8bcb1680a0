"""What every mapped resource shares: its type check, its logical id and its identifiers.

The FHIR logical ``id`` is the peer's key for the resource. Canonical keeps it as one
more business identifier (system ``urn:healthbridge:fhir:<resourceType>``), placed after
the resource's own identifiers, and the writer turns it back into ``id``; so the same
object can be found on that peer again without canonical knowing what FHIR is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from healthbridge.canonical.identifiers import Identifier, fhir_id_system
from healthbridge.mappings.fhir.datatypes import identifier_json, read_identifier, read_many
from healthbridge.mappings.fhir.errors import MappingError
from healthbridge.mappings.fhir.primitives import JsonObject, as_object, text

_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


def open_resource(resource: Any, resource_type: str) -> JsonObject:
    """``resource`` as a JSON object of ``resource_type``; anything else is a MappingError."""
    if not isinstance(resource, Mapping):
        raise MappingError(resource_type, "a resource must be a JSON object")
    obj = as_object(resource, resource_type)
    if obj.get("resourceType") != resource_type:
        raise MappingError(f"{resource_type}.resourceType", f"must be {resource_type}")
    return obj


def read_identifiers(obj: JsonObject, resource_type: str) -> tuple[Identifier, ...]:
    """The resource's identifiers, then its logical id as an identifier."""
    identifiers = read_many(obj, "identifier", resource_type, read_identifier)
    logical_id = text(obj, "id", resource_type)
    if logical_id is None:
        return identifiers
    if _FHIR_ID.fullmatch(logical_id) is None:
        raise MappingError(f"{resource_type}.id", "is not a FHIR id (1-64 of A-Z a-z 0-9 - .)")
    system = fhir_id_system(resource_type)
    return (*identifiers, Identifier(system=system, value=logical_id))


def start_resource(resource_type: str, identifiers: Iterable[Identifier]) -> dict[str, Any]:
    """A resource's first elements: ``resourceType``, ``id`` and ``identifier``."""
    out: dict[str, Any] = {"resourceType": resource_type}
    system = fhir_id_system(resource_type)
    kept: list[dict[str, Any]] = []
    for identifier in identifiers:
        if identifier.system == system and "id" not in out and identifier.value is not None:
            if _FHIR_ID.fullmatch(identifier.value) is None:
                raise MappingError(f"{resource_type}.id", "the FHIR id identifier is not an id")
            out["id"] = identifier.value
        else:
            kept.append(identifier_json(identifier))
    if kept:
        out["identifier"] = kept
    return out
