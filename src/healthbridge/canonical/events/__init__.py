"""Canonical business events: past-tense facts, one frozen model each, no clinical content."""

from healthbridge.canonical.events.base import HL7_MESSAGE_SYSTEM, TYPE_PREFIX, CanonicalEvent
from healthbridge.canonical.events.billing import (
    BillingMilestoneReached,
    InvoicePaid,
    InvoicePosted,
    PaymentReceived,
)
from healthbridge.canonical.events.catalog import (
    CANONICAL_EVENTS,
    EVENT_DOMAINS,
    EVENTS_BY_TYPE,
    event_model,
)
from healthbridge.canonical.events.hl7 import Hl7MessageAccepted
from healthbridge.canonical.events.inventory import StockLevelChanged, StockMoveDone
from healthbridge.canonical.events.partners import PartnerKind, PartnerMerged, PartnerUpserted
from healthbridge.canonical.events.purchasing import PurchaseOrderConfirmed

__all__ = [
    "CANONICAL_EVENTS",
    "EVENTS_BY_TYPE",
    "EVENT_DOMAINS",
    "HL7_MESSAGE_SYSTEM",
    "TYPE_PREFIX",
    "BillingMilestoneReached",
    "CanonicalEvent",
    "Hl7MessageAccepted",
    "InvoicePaid",
    "InvoicePosted",
    "PartnerKind",
    "PartnerMerged",
    "PartnerUpserted",
    "PaymentReceived",
    "PurchaseOrderConfirmed",
    "StockLevelChanged",
    "StockMoveDone",
    "event_model",
]
