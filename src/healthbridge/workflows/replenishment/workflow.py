"""Supply replenishment: quote -> approval -> purchase order -> supplier notified -> delivery.

The body only decides; every call out is a step (``steps.py``). A supplier that declines
ends the run as ``rejected`` with nothing to undo; a refusal or a failure for good after
the order exists cancels the order and releases the reservation (``compensated``); a
human rejection or a lapsed approval releases the reservation (``not_approved``).
"""

from __future__ import annotations

from typing import Any, Literal

from dbos import DBOS, SetWorkflowID, WorkflowHandleAsync

from healthbridge.core.errors import HealthbridgeError
from healthbridge.services.workflow_ports import SupplierRejectedError
from healthbridge.workflows.replenishment import steps
from healthbridge.workflows.replenishment.model import (
    APPROVAL_TOPIC,
    ApprovalPolicy,
    ReplenishmentOutcome,
    StockLow,
)
from healthbridge.workflows.tracing import traced_workflow

WORKFLOW_NAME = "replenishment"


def _error_code(error: Exception) -> str:
    if isinstance(error, HealthbridgeError):
        return error.code
    return type(error).__name__


async def _await_decision(
    workflow_id: str, request: StockLow, amount: float, policy: ApprovalPolicy
) -> str:
    """``approved``, ``rejected`` or ``lapsed``: a human decision, escalated when overdue."""
    task = await steps.open_approval_task(workflow_id, request, amount, policy)
    await DBOS.set_event_async("phase", "awaiting_approval")
    waits = (policy.due_seconds, policy.escalation_seconds)
    for round_number, wait in enumerate(waits):
        message: Any = await DBOS.recv_async(APPROVAL_TOPIC, timeout_seconds=wait)
        if isinstance(message, dict) and message.get("decision") in ("approved", "rejected"):
            return str(message["decision"])
        stored = await steps.read_approval_task(task.task_id)
        if stored is not None and stored.decision is not None:
            return stored.decision
        if round_number == 0:
            await steps.escalate_approval_task(task.task_id, policy)
            await DBOS.set_event_async("phase", "escalated")
    await steps.lapse_approval_task(task.task_id)
    return "lapsed"


@DBOS.workflow(name=WORKFLOW_NAME)
@traced_workflow
async def replenishment(request: StockLow) -> ReplenishmentOutcome:
    """Order stock for ``request`` and end in a clear state, compensating what was done."""
    workflow_id = request.workflow_id
    policy = await steps.approval_policy()
    try:
        quote = await steps.check_supplier(workflow_id, request)
    except SupplierRejectedError:
        return ReplenishmentOutcome(workflow_id, "rejected", reason="supplier_declined")
    except Exception as error:
        return ReplenishmentOutcome(workflow_id, "rejected", reason=_error_code(error))
    amount = round(quote.unit_price * request.reorder_quantity, 2)

    approval: Literal["auto", "human"] = "auto"
    if amount >= policy.threshold:
        approval = "human"
        decision = await _await_decision(workflow_id, request, amount, policy)
        if decision != "approved":
            await steps.release_reservation(quote.reservation_id)
            return ReplenishmentOutcome(
                workflow_id,
                "not_approved",
                reason=decision,
                amount=amount,
                approval="human",
                compensated=("release_reservation",),
            )
    await DBOS.set_event_async("phase", "ordering")

    try:
        order = await steps.create_purchase_order(workflow_id, request, quote)
    except Exception as error:
        # The create may have reached Odoo before the step failed: cancel by reference.
        await steps.cancel_orders(workflow_id)
        await steps.release_reservation(quote.reservation_id)
        return ReplenishmentOutcome(
            workflow_id,
            "compensated",
            reason=_error_code(error),
            amount=amount,
            approval=approval,
            compensated=("cancel_purchase_order", "release_reservation"),
        )
    try:
        await steps.confirm_order(order.id)
        ack = await steps.notify_supplier(workflow_id, order, request, quote)
    except Exception as error:
        await steps.cancel_orders(workflow_id)
        await steps.release_reservation(quote.reservation_id)
        return ReplenishmentOutcome(
            workflow_id,
            "compensated",
            reason=_error_code(error),
            amount=amount,
            approval=approval,
            purchase_order_id=order.id,
            purchase_order_name=order.name,
            compensated=("cancel_purchase_order", "release_reservation"),
        )
    await steps.record_delivery(order.id, ack)
    await DBOS.set_event_async("phase", "completed")
    return ReplenishmentOutcome(
        workflow_id,
        "completed",
        amount=amount,
        approval=approval,
        purchase_order_id=order.id,
        purchase_order_name=order.name,
        expected_delivery=ack.expected_delivery,
    )


async def start_replenishment(request: StockLow) -> WorkflowHandleAsync[ReplenishmentOutcome]:
    """Start (or find) the run for this stock event; submitting it twice starts one run."""
    with SetWorkflowID(request.workflow_id):
        return await DBOS.start_workflow_async(replenishment, request)
