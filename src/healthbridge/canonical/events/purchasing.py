"""Purchasing events: a purchase order was confirmed."""

from __future__ import annotations

from typing import Annotated, ClassVar

from healthbridge.canonical.amounts import Money
from healthbridge.canonical.classification import FINANCIAL, OPERATIONAL
from healthbridge.canonical.events.base import CanonicalEvent
from healthbridge.canonical.references import Reference


class PurchaseOrderConfirmed(CanonicalEvent):
    """A purchase order was confirmed and is now binding with its supplier."""

    event_type: ClassVar[str] = "org.healthbridge.purchase.order-confirmed.v1"
    domain: ClassVar[str] = "purchasing"

    reference: Annotated[str | None, OPERATIONAL] = None
    supplier: Annotated[Reference, OPERATIONAL]
    amount_total: Annotated[Money | None, FINANCIAL] = None
