"""The invoice-to-payer workflow's input and outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ClaimState = Literal["paid", "denied", "not_claimable", "failed"]


class InvoiceToPayer(BaseModel):
    """An invoice posted for a covered patient: claim it from the payer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    invoice_id: int = Field(gt=0)
    coverage: str = Field(min_length=1, max_length=128, description="Member/coverage id.")
    event_id: str = ""
    trace_id: str | None = None

    @property
    def workflow_id(self) -> str:
        """One claim per invoice, whatever event announced it."""
        return f"payer-claim-{self.invoice_id}"


@dataclass(frozen=True, slots=True)
class ClaimOutcome:
    """How a claim run ended."""

    workflow_id: str
    state: ClaimState
    reason: str | None = None
    claim_response_id: str | None = None
    paid_amount: float | None = None
    payment_id: int | None = None
    invoice_payment_state: str | None = None
    task_id: str | None = None
