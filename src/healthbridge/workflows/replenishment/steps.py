"""The replenishment steps: each acts once outside, and is safe to run again after a crash.

Each compensation sits right after the step it undoes. Steps act through the installed
ports (``dependencies()``), never through clients of their own.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from healthbridge.services.replenishment import (
    OrderLine,
    PurchaseOrderRef,
    cancel_purchase_orders_for,
    confirm_purchase_order,
    ensure_purchase_order,
    record_expected_delivery,
)
from healthbridge.services.workflow_ports import (
    HumanTask,
    SupplierAcknowledgement,
    SupplierQuote,
    SupplierUnavailableError,
)
from healthbridge.workflows.dependencies import dependencies, pause_point
from healthbridge.workflows.replenishment.model import ApprovalPolicy, StockLow
from healthbridge.workflows.tracing import traced_step

STEP_NAMES = (
    "approval_policy",
    "check_supplier",
    "open_approval_task",
    "create_purchase_order",
    "confirm_purchase_order",
    "notify_supplier",
    "record_expected_delivery",
)
"""The steps of a run in order (the compensations and task escalation steps aside)."""


def _transient(error: BaseException) -> bool:
    return isinstance(error, SupplierUnavailableError)


@traced_step(name="approval_policy")
async def approval_policy() -> ApprovalPolicy:
    """The approval rules in force now, recorded so a replay under new settings agrees."""
    settings = dependencies().settings
    await pause_point("approval_policy")
    return ApprovalPolicy(
        threshold=settings.approval_threshold,
        approver=settings.approver,
        escalation_assignee=settings.escalation_assignee,
        due_seconds=settings.task_due_seconds,
        escalation_seconds=settings.escalation_seconds,
    )


@traced_step(
    name="check_supplier",
    retries_allowed=True,
    max_attempts=4,
    interval_seconds=0.2,
    should_retry=_transient,
)
async def check_supplier(reference: str, request: StockLow) -> SupplierQuote:
    """Availability and price from the supplier, holding a reservation under ``reference``."""
    quote = await dependencies().supplier.quote(reference, request.sku, request.reorder_quantity)
    await pause_point("check_supplier")
    return quote


@traced_step(
    name="release_reservation",
    retries_allowed=True,
    max_attempts=4,
    interval_seconds=0.2,
    should_retry=_transient,
)
async def release_reservation(reservation_id: str) -> None:
    """Compensates ``check_supplier``: the supplier's reservation released."""
    await dependencies().supplier.release(reservation_id)


@traced_step(name="open_approval_task")
async def open_approval_task(
    workflow_id: str, request: StockLow, amount: float, policy: ApprovalPolicy
) -> HumanTask:
    """The approval task of this run (opened once, found again on replay)."""
    deps = dependencies()
    task = await deps.tasks.open(
        task_id=f"{workflow_id}/approval",
        workflow_id=workflow_id,
        kind="purchase_approval",
        title=f"Approve a purchase of {request.reorder_quantity:g} x {request.sku}",
        assignee=policy.approver,
        due_at=deps.clock.now() + timedelta(seconds=policy.due_seconds),
        details={
            "sku": request.sku,
            "product_id": request.product_id,
            "location_id": request.location_id,
            "quantity": request.reorder_quantity,
            "amount": amount,
        },
    )
    await pause_point("open_approval_task")
    return task


@traced_step(name="read_approval_task")
async def read_approval_task(task_id: str) -> HumanTask | None:
    """The task as stored now: a decision made while its message was lost still counts."""
    return await dependencies().tasks.get(task_id)


@traced_step(name="escalate_approval_task")
async def escalate_approval_task(task_id: str, policy: ApprovalPolicy) -> HumanTask:
    """The overdue task handed to the escalation assignee with a new due time."""
    deps = dependencies()
    return await deps.tasks.escalate(
        task_id,
        assignee=policy.escalation_assignee,
        due_at=deps.clock.now() + timedelta(seconds=policy.escalation_seconds),
    )


@traced_step(name="lapse_approval_task")
async def lapse_approval_task(task_id: str) -> HumanTask:
    """Nobody decided in time: the task closed as lapsed."""
    return await dependencies().tasks.lapse(task_id)


@traced_step(name="create_purchase_order")
async def create_purchase_order(
    reference: str, request: StockLow, quote: SupplierQuote
) -> PurchaseOrderRef:
    """The run's one purchase order in Odoo, found by ``origin`` if an attempt made it."""
    deps = dependencies()
    supplier_id = request.supplier_id or deps.settings.supplier_partner_id
    if not supplier_id:
        vendors = await deps.odoo.search_read(
            "res.partner", [("supplier_rank", ">", 0)], ["id"], limit=1, order="id asc"
        )
        supplier_id = int(vendors[0]["id"]) if vendors else 0
    line = OrderLine(
        product_id=request.product_id,
        quantity=request.reorder_quantity,
        unit_price=quote.unit_price,
        description=request.product_name or request.sku,
    )
    order = await ensure_purchase_order(
        deps.odoo, reference=reference, supplier_id=supplier_id, line=line
    )
    await pause_point("create_purchase_order")
    return order


@traced_step(name="cancel_purchase_order")
async def cancel_orders(reference: str) -> list[int]:
    """Compensates ``create_purchase_order``: the run's orders cancelled (with receipts).

    Found by reference rather than by id, so an order whose create reached Odoo but
    whose step failed before returning is cancelled too.
    """
    return await cancel_purchase_orders_for(dependencies().odoo, reference)


@traced_step(name="confirm_purchase_order")
async def confirm_order(order_id: int) -> str:
    """The order confirmed in Odoo; an order confirmed by an earlier attempt is left alone."""
    state = await confirm_purchase_order(dependencies().odoo, order_id)
    await pause_point("confirm_purchase_order")
    return state


@traced_step(
    name="notify_supplier",
    retries_allowed=True,
    max_attempts=4,
    interval_seconds=0.2,
    should_retry=_transient,
)
async def notify_supplier(
    reference: str, order: PurchaseOrderRef, request: StockLow, quote: SupplierQuote
) -> SupplierAcknowledgement:
    """The supplier told about the confirmed order (keyed by ``reference``)."""
    body: dict[str, Any] = {
        "purchase_order": order.name,
        "quote_id": quote.quote_id,
        "reservation_id": quote.reservation_id,
        "sku": request.sku,
        "quantity": request.reorder_quantity,
    }
    ack = await dependencies().supplier.notify(reference, body)
    await pause_point("notify_supplier")
    return ack


@traced_step(name="record_expected_delivery")
async def record_delivery(order_id: int, ack: SupplierAcknowledgement) -> None:
    """The supplier's delivery date and acknowledgement written on the order."""
    await record_expected_delivery(
        dependencies().odoo,
        order_id,
        expected=ack.expected_delivery,
        supplier_reference=ack.acknowledgement,
    )
    await pause_point("record_expected_delivery")
