"""The ports the workflows' use cases need beyond Odoo: the supplier and the human task board.

Adapters: ``workflows.replenishment.supplier_client.SupplierHttp`` (HTTP) and
``store.tasks.HumanTasks`` (the store). The value types are frozen dataclasses so DBOS can
record them as step outputs and a replay returns the same values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, Protocol

from healthbridge.core.errors import ConflictError, UnavailableError

Decision = Literal["approved", "rejected"]
TaskState = Literal["open", "escalated", "approved", "rejected", "lapsed"]


class SupplierRejectedError(ConflictError):
    """The supplier declined the request (not available, or refused the order)."""

    code = "supplier.rejected"


class SupplierUnavailableError(UnavailableError):
    """The supplier could not be reached or answered 5xx; the call may be retried."""

    code = "supplier.unavailable"


@dataclass(frozen=True, slots=True)
class SupplierQuote:
    """Availability and price, with the reservation the supplier holds for us."""

    quote_id: str
    reservation_id: str
    unit_price: float
    currency: str
    lead_days: int


@dataclass(frozen=True, slots=True)
class SupplierAcknowledgement:
    """The supplier's receipt of an order notification."""

    acknowledgement: str
    expected_delivery: date


class SupplierPort(Protocol):
    """What the replenishment use case asks of a supplier; every call is keyed by reference."""

    async def quote(self, reference: str, sku: str, quantity: float) -> SupplierQuote:
        """Availability and price, holding stock; raises ``SupplierRejectedError`` when declined."""
        ...

    async def release(self, reservation_id: str) -> None:
        """Release a reservation; releasing one already released is fine."""
        ...

    async def notify(self, reference: str, order: Mapping[str, Any]) -> SupplierAcknowledgement:
        """Tell the supplier about a confirmed order; the same reference, the same answer."""
        ...


class HumanTask(Protocol):
    """A decision asked of a person: who, by when, and what they decided (a read-only view)."""

    @property
    def task_id(self) -> str: ...
    @property
    def workflow_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def assignee(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def due_at(self) -> datetime: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def details(self) -> Mapping[str, Any]: ...
    @property
    def escalated_at(self) -> datetime | None: ...
    @property
    def decided_at(self) -> datetime | None: ...
    @property
    def decided_by(self) -> str | None: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def decision(self) -> Decision | None:
        """The decision, once one was made."""
        ...


class TaskBoardPort(Protocol):
    """Where human tasks are kept; every write is keyed by ``task_id`` and safe to replay."""

    async def open(
        self,
        *,
        task_id: str,
        workflow_id: str,
        kind: str,
        title: str,
        assignee: str,
        due_at: datetime,
        details: Mapping[str, Any],
    ) -> HumanTask:
        """The task ``task_id``: the one opened before, or a new open one."""
        ...

    async def get(self, task_id: str) -> HumanTask | None:
        """The task, or None."""
        ...

    async def escalate(self, task_id: str, *, assignee: str, due_at: datetime) -> HumanTask:
        """Hand an undecided task to ``assignee`` with a new due time; decided tasks stay."""
        ...

    async def decide(
        self, task_id: str, decision: str, *, by: str, reason: str | None
    ) -> HumanTask:
        """Record the first decision; a second one raises ``ConflictError``."""
        ...

    async def lapse(self, task_id: str) -> HumanTask:
        """Close an undecided task as lapsed (nobody decided in time)."""
        ...

    async def list(
        self, *, states: Sequence[str] | None = None, assignee: str | None = None
    ) -> Sequence[HumanTask]:
        """Tasks, newest first, optionally filtered."""
        ...


@dataclass(frozen=True, slots=True)
class ClaimDecision:
    """A payer's adjudication of one claim, reduced to what the workflow acts on."""

    claim_response_id: str
    outcome: Literal["approved", "denied"]
    paid_amount: float
    currency: str
    disposition: str


class PayerPort(Protocol):
    """A payer that adjudicates FHIR Claims; the same claim identifier, the same answer."""

    async def submit(self, claim: Mapping[str, Any]) -> ClaimDecision:
        """Send a FHIR R4 Claim and return the payer's decision."""
        ...
