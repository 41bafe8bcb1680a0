"""Every canonical event by name and by CloudEvents type: what contracts and the bus iterate."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from healthbridge.canonical.events.base import CanonicalEvent
from healthbridge.canonical.events.billing import (
    BillingMilestoneReached,
    InvoicePaid,
    InvoicePosted,
    PaymentReceived,
)
from healthbridge.canonical.events.hl7 import Hl7MessageAccepted
from healthbridge.canonical.events.inventory import StockLevelChanged, StockMoveDone
from healthbridge.canonical.events.partners import PartnerMerged, PartnerUpserted
from healthbridge.canonical.events.purchasing import PurchaseOrderConfirmed

_ALL: tuple[type[CanonicalEvent], ...] = (
    BillingMilestoneReached,
    Hl7MessageAccepted,
    InvoicePaid,
    InvoicePosted,
    PartnerMerged,
    PartnerUpserted,
    PaymentReceived,
    PurchaseOrderConfirmed,
    StockLevelChanged,
    StockMoveDone,
)

CANONICAL_EVENTS: Mapping[str, type[CanonicalEvent]] = MappingProxyType(
    {model.__name__: model for model in _ALL}
)
"""Each event model by its name, which is also its contract name."""

EVENTS_BY_TYPE: Mapping[str, type[CanonicalEvent]] = MappingProxyType(
    {model.event_type: model for model in _ALL}
)
"""Each event model by its CloudEvents ``type``."""

EVENT_DOMAINS: tuple[str, ...] = tuple(sorted({model.domain for model in _ALL}))
"""The domains events belong to; each is one stream."""


def event_model(event_type: str) -> type[CanonicalEvent]:
    """The model of CloudEvents ``type``; ``KeyError`` when no event has that type."""
    return EVENTS_BY_TYPE[event_type]
