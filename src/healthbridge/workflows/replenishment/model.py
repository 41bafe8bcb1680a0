"""The replenishment workflow's input and outcome.

The input is the one model the workflow takes; new fields get defaults so runs recorded
by an older version still replay. The workflow id comes from the business key (the
stock event, product and location), so submitting the same event twice starts one run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

APPROVAL_TOPIC = "approval"
"""The DBOS message topic on which a human decision reaches a waiting run."""

ReplenishmentState = Literal["completed", "compensated", "rejected", "not_approved"]


class StockLow(BaseModel):
    """A stock level fell below its reorder point: what to order, for which location."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: str = Field(min_length=1, max_length=128, description="The stock event's id.")
    product_id: int = Field(gt=0)
    sku: str = Field(min_length=1, max_length=128, description="Supplier catalogue code.")
    product_name: str = ""
    location_id: int = Field(gt=0)
    quantity_on_hand: float
    reorder_point: float
    reorder_quantity: float = Field(gt=0)
    supplier_id: int = Field(0, ge=0, description="Odoo vendor; 0 = the configured one.")
    trace_id: str | None = None

    @property
    def workflow_id(self) -> str:
        """The run's id, from the business key: one run per stock event and place."""
        return f"replenishment-{self.product_id}-{self.location_id}-{self.event_id}"


@dataclass(frozen=True, slots=True)
class ApprovalPolicy:
    """The approval rules a run was started under, recorded once so replays agree."""

    threshold: float
    approver: str
    escalation_assignee: str
    due_seconds: float
    escalation_seconds: float


@dataclass(frozen=True, slots=True)
class ReplenishmentOutcome:
    """How a run ended: completed, or the clear state its compensation left."""

    workflow_id: str
    state: ReplenishmentState
    reason: str | None = None
    amount: float | None = None
    approval: Literal["auto", "human"] | None = None
    purchase_order_id: int | None = None
    purchase_order_name: str | None = None
    expected_delivery: date | None = None
    compensated: tuple[str, ...] = ()
