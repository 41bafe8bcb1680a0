"""Inventory events: a stock level changed, a stock move was done."""

from __future__ import annotations

from typing import Annotated, ClassVar

from healthbridge.canonical.amounts import Quantity
from healthbridge.canonical.classification import OPERATIONAL
from healthbridge.canonical.events.base import CanonicalEvent
from healthbridge.canonical.references import Reference


class StockLevelChanged(CanonicalEvent):
    """The on-hand (and reserved) quantity of a product in a location is now ``quantity``."""

    event_type: ClassVar[str] = "org.healthbridge.stock.level-changed.v1"
    domain: ClassVar[str] = "inventory"

    product: Annotated[Reference, OPERATIONAL]
    location: Annotated[Reference, OPERATIONAL]
    lot: Annotated[Reference | None, OPERATIONAL] = None
    quantity: Annotated[Quantity, OPERATIONAL]
    reserved: Annotated[Quantity | None, OPERATIONAL] = None


class StockMoveDone(CanonicalEvent):
    """Goods moved from one location to another and the move is done."""

    event_type: ClassVar[str] = "org.healthbridge.stock.move-done.v1"
    domain: ClassVar[str] = "inventory"

    reference: Annotated[str | None, OPERATIONAL] = None
    product: Annotated[Reference, OPERATIONAL]
    source_location: Annotated[Reference, OPERATIONAL]
    destination_location: Annotated[Reference, OPERATIONAL]
    quantity: Annotated[Quantity, OPERATIONAL]
    lot: Annotated[Reference | None, OPERATIONAL] = None
