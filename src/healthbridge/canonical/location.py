"""Location: a site, building, ward, room or stock location where care or storage happens."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from healthbridge.canonical.classification import OPERATIONAL, PUBLIC
from healthbridge.canonical.coding import Coding, Concept
from healthbridge.canonical.contact import Address, ContactPoint
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.model import CanonicalModel
from healthbridge.canonical.references import Reference

LocationStatus = Literal["active", "suspended", "inactive"]
LocationMode = Literal["instance", "kind"]


class Position(CanonicalModel):
    """WGS84 coordinates of a location, in decimal degrees (and metres for altitude)."""

    longitude: Annotated[Decimal, PUBLIC]
    latitude: Annotated[Decimal, PUBLIC]
    altitude: Annotated[Decimal | None, PUBLIC] = None


class Location(CanonicalModel):
    """A physical place; ``part_of`` builds the site > building > ward > bin hierarchy."""

    identifiers: Annotated[tuple[Identifier, ...], OPERATIONAL] = ()
    status: Annotated[LocationStatus | None, OPERATIONAL] = None
    operational_status: Annotated[Coding | None, OPERATIONAL] = None
    name: Annotated[str | None, OPERATIONAL] = None
    aliases: Annotated[tuple[str, ...], OPERATIONAL] = ()
    description: Annotated[str | None, OPERATIONAL] = None
    mode: Annotated[LocationMode | None, OPERATIONAL] = None
    types: Annotated[tuple[Concept, ...], OPERATIONAL] = ()
    telecom: Annotated[tuple[ContactPoint, ...], OPERATIONAL] = ()
    address: Annotated[Address | None, OPERATIONAL] = None
    physical_type: Annotated[Concept | None, OPERATIONAL] = None
    position: Annotated[Position | None, OPERATIONAL] = None
    managing_organization: Annotated[Reference | None, OPERATIONAL] = None
    part_of: Annotated[Reference | None, OPERATIONAL] = None
