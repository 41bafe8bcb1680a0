"""Orders: SupplyOrder (buying or requesting supplies) and ServiceOrder (selling services).

A supply order is what a ward's replenishment request or an Odoo purchase order says:
which items, how many, from whom, delivered where. A service order is what Odoo sells
(a sale order of billable services). Neither carries the clinical reason for the order.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from healthbridge.canonical.amounts import Money, Quantity
from healthbridge.canonical.classification import FINANCIAL, OPERATIONAL, PHI, PII
from healthbridge.canonical.coding import Concept
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.model import CanonicalModel
from healthbridge.canonical.periods import DateOrInstant, Period
from healthbridge.canonical.references import Reference

SupplyOrderStatus = Literal[
    "draft", "active", "suspended", "cancelled", "completed", "entered-in-error", "unknown"
]
OrderPriority = Literal["routine", "urgent", "asap", "stat"]
ServiceOrderStatus = Literal["draft", "confirmed", "done", "cancelled"]


class SupplyOrderLine(CanonicalModel):
    """One item of a supply order: the product (by reference, by code, or both) and how many."""

    product: Annotated[Reference | None, OPERATIONAL] = None
    product_code: Annotated[Concept | None, OPERATIONAL] = None
    quantity: Annotated[Quantity, OPERATIONAL]
    unit_price: Annotated[Money | None, FINANCIAL] = None

    @model_validator(mode="after")
    def _names_an_item(self) -> SupplyOrderLine:
        if self.product is None and self.product_code is None:
            raise ValueError("a supply order line needs a product or a product code")
        return self


class SupplyOrder(CanonicalModel):
    """A request or purchase order for supplies, with at least one line."""

    identifiers: Annotated[tuple[Identifier, ...], OPERATIONAL] = ()
    status: Annotated[SupplyOrderStatus | None, OPERATIONAL] = None
    category: Annotated[Concept | None, OPERATIONAL] = None
    priority: Annotated[OrderPriority | None, OPERATIONAL] = None
    lines: Annotated[tuple[SupplyOrderLine, ...], OPERATIONAL, Field(min_length=1)]
    occurrence: Annotated[DateOrInstant | None, OPERATIONAL] = None
    occurrence_period: Annotated[Period | None, OPERATIONAL] = None
    authored_on: Annotated[DateOrInstant | None, OPERATIONAL] = None
    requester: Annotated[Reference | None, PII] = None
    suppliers: Annotated[tuple[Reference, ...], OPERATIONAL] = ()
    deliver_from: Annotated[Reference | None, OPERATIONAL] = None
    deliver_to: Annotated[Reference | None, OPERATIONAL] = None

    @model_validator(mode="after")
    def _one_occurrence(self) -> SupplyOrder:
        if self.occurrence is not None and self.occurrence_period is not None:
            raise ValueError("an order occurs at a moment or over a period, not both")
        return self


class ServiceOrderLine(CanonicalModel):
    """One billable service (or item) sold: product, description, quantity, unit price."""

    product: Annotated[Reference | None, OPERATIONAL] = None
    product_code: Annotated[Concept | None, OPERATIONAL] = None
    description: Annotated[str | None, OPERATIONAL] = None
    quantity: Annotated[Quantity, OPERATIONAL]
    unit_price: Annotated[Money | None, FINANCIAL] = None


class ServiceOrder(CanonicalModel):
    """A sale of services to a customer (a payer, a patient as billing party, a facility)."""

    identifiers: Annotated[tuple[Identifier, ...], FINANCIAL] = ()
    status: Annotated[ServiceOrderStatus, OPERATIONAL]
    customer: Annotated[Reference | None, PII] = None
    subject: Annotated[Reference | None, PHI] = None
    ordered_at: Annotated[DateOrInstant | None, OPERATIONAL] = None
    lines: Annotated[tuple[ServiceOrderLine, ...], FINANCIAL] = ()
    total: Annotated[Money | None, FINANCIAL] = None
