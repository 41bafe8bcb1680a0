"""FHIR Organization <-> canonical Organization.

Roles are read from the type codes that imply them (``prov`` is a facility; ``ins`` and
``pay`` are payers) and from Healthbridge's own role codes. A role that no type code
implies is written as a type coded in ``urn:healthbridge:organization-role`` after the
source's own types, and read back as that role alone, so roles survive both ways.
"""

from __future__ import annotations

from typing import Any

from healthbridge.canonical.coding import Coding, Concept
from healthbridge.canonical.organization import (
    ORGANIZATION_ROLE_SYSTEM,
    Organization,
    OrganizationContact,
    OrganizationRole,
)
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
from healthbridge.mappings.fhir.primitives import as_object, boolean, text, texts
from healthbridge.mappings.fhir.resource import open_resource, read_identifiers, start_resource

ORGANIZATION_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/organization-type"

_ROLE_OF_TYPE: dict[tuple[str, str], OrganizationRole] = {
    (ORGANIZATION_TYPE_SYSTEM, "prov"): "facility",
    (ORGANIZATION_TYPE_SYSTEM, "ins"): "payer",
    (ORGANIZATION_TYPE_SYSTEM, "pay"): "payer",
}
_ROLE_BY_CODE: dict[str, OrganizationRole] = {
    "facility": "facility",
    "lab": "lab",
    "payer": "payer",
    "pharmacy": "pharmacy",
    "supplier": "supplier",
}


def fhir_to_organization(resource: Any) -> Organization:
    """Canonical Organization from a FHIR R4 Organization; MappingError if it is not one."""
    path = "Organization"
    obj = open_resource(resource, path)
    types: list[Concept] = []
    roles: list[OrganizationRole] = []
    for concept in read_many(obj, "type", path, read_concept):
        own_role = _own_role(concept)
        if own_role is not None:
            roles.append(own_role)
            continue
        types.append(concept)
        roles.extend(_implied_roles(concept))
    return build(
        Organization,
        path,
        identifiers=read_identifiers(obj, path),
        active=boolean(obj, "active", path),
        roles=tuple(roles),
        types=tuple(types),
        name=text(obj, "name", path),
        aliases=texts(obj, "alias", path),
        telecom=read_many(obj, "telecom", path, read_contact_point),
        addresses=read_many(obj, "address", path, read_address),
        part_of=read_one(obj, "partOf", path, read_reference),
        contacts=read_many(obj, "contact", path, _read_contact),
    )


def organization_to_fhir(organization: Organization) -> dict[str, Any]:
    """FHIR R4 Organization JSON for a canonical Organization."""
    out = start_resource("Organization", organization.identifiers)
    if organization.active is not None:
        out["active"] = organization.active
    types = [concept_json(concept) for concept in organization.types]
    implied = {role for concept in organization.types for role in _implied_roles(concept)}
    types.extend(
        {"coding": [{"system": ORGANIZATION_ROLE_SYSTEM, "code": role}]}
        for role in organization.roles
        if role not in implied
    )
    put_all(out, "type", types)
    if organization.name is not None:
        out["name"] = organization.name
    if organization.aliases:
        out["alias"] = list(organization.aliases)
    if organization.telecom:
        put_all(out, "telecom", [contact_point_json(point) for point in organization.telecom])
    if organization.addresses:
        put_all(out, "address", [address_json(address) for address in organization.addresses])
    if organization.part_of is not None:
        put(out, "partOf", reference_json(organization.part_of))
    if organization.contacts:
        put_all(out, "contact", [_contact_json(contact) for contact in organization.contacts])
    return out


def _implied_roles(concept: Concept) -> list[OrganizationRole]:
    return [
        _ROLE_OF_TYPE[key]
        for coding in concept.codings
        if (key := (coding.system or "", coding.code or "")) in _ROLE_OF_TYPE
    ]


def _own_role(concept: Concept) -> OrganizationRole | None:
    """The role when ``concept`` is exactly one Healthbridge role code (as the writer makes)."""
    if concept.text is not None or len(concept.codings) != 1:
        return None
    coding = concept.codings[0]
    if coding != Coding(system=ORGANIZATION_ROLE_SYSTEM, code=coding.code):
        return None
    return _ROLE_BY_CODE.get(coding.code or "")


def _read_contact(value: Any, path: str) -> OrganizationContact:
    obj = as_object(value, path)
    return build(
        OrganizationContact,
        path,
        purpose=read_one(obj, "purpose", path, read_concept),
        name=read_one(obj, "name", path, read_human_name),
        telecom=read_many(obj, "telecom", path, read_contact_point),
        address=read_one(obj, "address", path, read_address),
    )


def _contact_json(contact: OrganizationContact) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if contact.purpose is not None:
        put(out, "purpose", concept_json(contact.purpose))
    if contact.name is not None:
        put(out, "name", human_name_json(contact.name))
    if contact.telecom:
        put_all(out, "telecom", [contact_point_json(point) for point in contact.telecom])
    if contact.address is not None:
        put(out, "address", address_json(contact.address))
    return out
