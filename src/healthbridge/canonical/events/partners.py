"""Partner events: a partner (facility, payer, supplier, billing party) was written or merged."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from healthbridge.canonical.classification import OPERATIONAL, PUBLIC
from healthbridge.canonical.events.base import CanonicalEvent
from healthbridge.canonical.identifiers import Identifier

PartnerKind = Literal["organization", "person"]


class PartnerUpserted(CanonicalEvent):
    """A partner was created or changed; ``changed_fields`` names what changed, not values.

    Names, addresses and contact details are not carried: a subscriber that needs them
    reads the partner through the governed API, where projection applies.
    """

    event_type: ClassVar[str] = "org.healthbridge.partner.upserted.v1"
    domain: ClassVar[str] = "partners"

    kind: Annotated[PartnerKind, PUBLIC]
    identifiers: Annotated[tuple[Identifier, ...], OPERATIONAL] = ()
    changed_fields: Annotated[tuple[str, ...], PUBLIC] = ()
    active: Annotated[bool, PUBLIC] = True


class PartnerMerged(CanonicalEvent):
    """Partners were merged into ``record``, the survivor; ``merged`` no longer exist."""

    event_type: ClassVar[str] = "org.healthbridge.partner.merged.v1"
    domain: ClassVar[str] = "partners"

    merged: Annotated[tuple[Identifier, ...], OPERATIONAL]
