"""Organization: a facility, payer, supplier, lab or pharmacy the hub deals with."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import field_validator

from healthbridge.canonical.classification import OPERATIONAL, PII, PUBLIC
from healthbridge.canonical.coding import Concept
from healthbridge.canonical.contact import Address, ContactPoint, HumanName
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.model import CanonicalModel
from healthbridge.canonical.references import Reference

OrganizationRole = Literal["facility", "lab", "payer", "pharmacy", "supplier"]

ORGANIZATION_ROLE_SYSTEM = "urn:healthbridge:organization-role"
"""Code system of :data:`OrganizationRole` when a role has to be written as a code."""


class OrganizationContact(CanonicalModel):
    """A person or desk to contact at the organisation for a purpose (billing, admin...)."""

    purpose: Annotated[Concept | None, PUBLIC] = None
    name: Annotated[HumanName | None, PII] = None
    telecom: Annotated[tuple[ContactPoint, ...], PII] = ()
    address: Annotated[Address | None, PII] = None


class Organization(CanonicalModel):
    """An organisation, with the business roles the hub cares about.

    ``roles`` is what the hub routes on (is this partner a payer? a supplier?); ``types``
    keeps the source's own classification codes. Roles are kept sorted and unique so two
    objects that say the same thing compare equal.
    """

    identifiers: Annotated[tuple[Identifier, ...], PUBLIC] = ()
    active: Annotated[bool | None, OPERATIONAL] = None
    roles: Annotated[tuple[OrganizationRole, ...], OPERATIONAL] = ()
    types: Annotated[tuple[Concept, ...], PUBLIC] = ()
    name: Annotated[str | None, PUBLIC] = None
    aliases: Annotated[tuple[str, ...], PUBLIC] = ()
    telecom: Annotated[tuple[ContactPoint, ...], PUBLIC] = ()
    addresses: Annotated[tuple[Address, ...], PUBLIC] = ()
    part_of: Annotated[Reference | None, PUBLIC] = None
    contacts: Annotated[tuple[OrganizationContact, ...], PII] = ()

    @field_validator("roles")
    @classmethod
    def _sorted_roles(cls, roles: tuple[OrganizationRole, ...]) -> tuple[OrganizationRole, ...]:
        return tuple(sorted(set(roles)))
