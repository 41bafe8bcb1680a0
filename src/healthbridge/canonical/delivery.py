"""SupplyDelivery: supplies handed over (a receipt of goods, a transfer between locations)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import model_validator

from healthbridge.canonical.amounts import Quantity
from healthbridge.canonical.classification import OPERATIONAL, PII
from healthbridge.canonical.coding import Concept
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.model import CanonicalModel
from healthbridge.canonical.periods import DateOrInstant, Period
from healthbridge.canonical.references import Reference

SupplyDeliveryStatus = Literal["in-progress", "completed", "abandoned", "entered-in-error"]


class SupplyDeliveryLine(CanonicalModel):
    """One item delivered: the product (by reference or code) and the quantity."""

    product: Annotated[Reference | None, OPERATIONAL] = None
    product_code: Annotated[Concept | None, OPERATIONAL] = None
    quantity: Annotated[Quantity | None, OPERATIONAL] = None


class SupplyDelivery(CanonicalModel):
    """A delivery of supplies, usually against a :class:`SupplyOrder` (``based_on``)."""

    identifiers: Annotated[tuple[Identifier, ...], OPERATIONAL] = ()
    based_on: Annotated[tuple[Reference, ...], OPERATIONAL] = ()
    part_of: Annotated[tuple[Reference, ...], OPERATIONAL] = ()
    status: Annotated[SupplyDeliveryStatus | None, OPERATIONAL] = None
    type: Annotated[Concept | None, OPERATIONAL] = None
    lines: Annotated[tuple[SupplyDeliveryLine, ...], OPERATIONAL] = ()
    occurrence: Annotated[DateOrInstant | None, OPERATIONAL] = None
    occurrence_period: Annotated[Period | None, OPERATIONAL] = None
    supplier: Annotated[Reference | None, OPERATIONAL] = None
    destination: Annotated[Reference | None, OPERATIONAL] = None
    receivers: Annotated[tuple[Reference, ...], PII] = ()

    @model_validator(mode="after")
    def _one_occurrence(self) -> SupplyDelivery:
        if self.occurrence is not None and self.occurrence_period is not None:
            raise ValueError("a delivery occurs at a moment or over a period, not both")
        return self
