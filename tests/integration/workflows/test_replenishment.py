"""Supply replenishment against the Odoo and supplier sandboxes, on a real DBOS runtime."""

from __future__ import annotations

import asyncio

from dbos import DBOS

from healthbridge.sandbox.supplier import RunningSupplier, SupplierFault
from healthbridge.workflows.replenishment import (
    APPROVAL_TOPIC,
    ReorderRule,
    start_replenishment,
    stock_low_for,
)
from tests.integration.workflows.conftest import StackFactory
from tests.integration.workflows.harness import stock_low

RESULT_TIMEOUT = 20.0


async def _orders(stack, reference: str) -> list[dict]:
    return await stack.odoo.search_read(
        "purchase.order", [("origin", "=", reference)], ["state", "date_planned", "partner_ref"]
    )


async def test_a_cheap_order_is_approved_automatically_and_confirmed_in_odoo(
    stack_factory: StackFactory, supplier: RunningSupplier
) -> None:
    async with stack_factory(approval_threshold=10_000) as stack:
        request = stock_low()
        handle = await start_replenishment(request)
        outcome = await asyncio.wait_for(handle.get_result(), RESULT_TIMEOUT)

        assert outcome.state == "completed"
        assert outcome.approval == "auto"
        assert outcome.amount == 40 * 12.5
        (order,) = await _orders(stack, request.workflow_id)
        assert order["state"] == "purchase"
        assert order["partner_ref"] == "A00001"
        assert str(order["date_planned"]).startswith(str(outcome.expected_delivery))
        assert supplier.state.reservations == {"R00001": "held"}
        assert request.workflow_id in supplier.state.notifications


async def test_submitting_the_same_stock_event_twice_runs_once(
    stack_factory: StackFactory, supplier: RunningSupplier
) -> None:
    async with stack_factory(approval_threshold=10_000) as stack:
        request = stock_low("evt-twice")
        first = await start_replenishment(request)
        second = await start_replenishment(request)
        assert first.workflow_id == second.workflow_id
        await asyncio.wait_for(second.get_result(), RESULT_TIMEOUT)
        assert len(await _orders(stack, request.workflow_id)) == 1
        assert supplier.state.calls[f"quotes:{request.workflow_id}"] == 1


async def test_an_expensive_order_waits_for_a_human_approval(
    stack_factory: StackFactory,
) -> None:
    async with stack_factory(approval_threshold=100) as stack:
        request = stock_low("evt-approve")
        handle = await start_replenishment(request)
        phase = await DBOS.get_event_async(handle.workflow_id, "phase", timeout_seconds=10)
        assert phase == "awaiting_approval"
        (task,) = await stack.tasks.list(states=["open"])
        assert task.workflow_id == request.workflow_id
        assert task.assignee == "purchasing"
        assert await _orders(stack, request.workflow_id) == []

        await stack.tasks.decide(task.task_id, "approved", by="alice", reason="ward is short")
        await DBOS.send_async(handle.workflow_id, {"decision": "approved"}, topic=APPROVAL_TOPIC)
        outcome = await asyncio.wait_for(handle.get_result(), RESULT_TIMEOUT)

        assert outcome.state == "completed"
        assert outcome.approval == "human"
        assert [o["state"] for o in await _orders(stack, request.workflow_id)] == ["purchase"]


async def test_a_human_rejection_releases_the_reservation_and_orders_nothing(
    stack_factory: StackFactory, supplier: RunningSupplier
) -> None:
    async with stack_factory(approval_threshold=100) as stack:
        request = stock_low("evt-reject")
        handle = await start_replenishment(request)
        await DBOS.get_event_async(handle.workflow_id, "phase", timeout_seconds=10)
        await DBOS.send_async(handle.workflow_id, {"decision": "rejected"}, topic=APPROVAL_TOPIC)
        outcome = await asyncio.wait_for(handle.get_result(), RESULT_TIMEOUT)

        assert outcome.state == "not_approved"
        assert outcome.reason == "rejected"
        assert supplier.state.reservations == {"R00001": "released"}
        assert await _orders(stack, request.workflow_id) == []


async def test_an_approval_past_its_due_time_escalates_then_lapses(
    stack_factory: StackFactory, supplier: RunningSupplier
) -> None:
    async with stack_factory(
        approval_threshold=100, task_due_seconds=0.5, escalation_seconds=0.5
    ) as stack:
        request = stock_low("evt-late")
        handle = await start_replenishment(request)
        escalated = await DBOS.get_event_async(handle.workflow_id, "phase", timeout_seconds=10)
        while escalated != "escalated":
            await asyncio.sleep(0.05)
            escalated = await DBOS.get_event_async(handle.workflow_id, "phase", timeout_seconds=10)
        outcome = await asyncio.wait_for(handle.get_result(), RESULT_TIMEOUT)

        (task,) = await stack.tasks.list()
        assert task.escalated_at is not None
        assert task.assignee == "purchasing-manager"
        assert task.state == "lapsed"
        assert outcome.state == "not_approved"
        assert outcome.reason == "lapsed"
        assert supplier.state.reservations == {"R00001": "released"}


async def test_a_supplier_that_declines_the_quote_ends_the_run_with_nothing_to_undo(
    stack_factory: StackFactory, supplier: RunningSupplier
) -> None:
    supplier.state.faults.append(SupplierFault(kind="reject", route="quotes"))
    async with stack_factory(approval_threshold=10_000) as stack:
        request = stock_low("evt-declined")
        outcome = await asyncio.wait_for(
            (await start_replenishment(request)).get_result(), RESULT_TIMEOUT
        )
        assert outcome.state == "rejected"
        assert outcome.reason == "supplier_declined"
        assert await _orders(stack, request.workflow_id) == []


async def test_a_supplier_refusing_the_order_cancels_it_and_releases_the_reservation(
    stack_factory: StackFactory, supplier: RunningSupplier
) -> None:
    supplier.state.faults.append(SupplierFault(kind="reject", route="notifications"))
    async with stack_factory(approval_threshold=10_000) as stack:
        request = stock_low("evt-refused")
        outcome = await asyncio.wait_for(
            (await start_replenishment(request)).get_result(), RESULT_TIMEOUT
        )
        assert outcome.state == "compensated"
        assert outcome.reason == "supplier.rejected"
        assert outcome.compensated == ("cancel_purchase_order", "release_reservation")
        (order,) = await _orders(stack, request.workflow_id)
        assert order["state"] == "cancel"
        assert supplier.state.reservations == {"R00001": "released"}
        receipts = await stack.odoo.search_read(
            "stock.picking", [("origin", "=", outcome.purchase_order_name)], ["state"]
        )
        assert [r["state"] for r in receipts] == ["cancel"]


async def test_a_supplier_outage_is_retried_and_the_run_completes(
    stack_factory: StackFactory, supplier: RunningSupplier
) -> None:
    supplier.state.faults.append(SupplierFault(kind="error", route="quotes", count=2))
    async with stack_factory(approval_threshold=10_000):
        request = stock_low("evt-flaky")
        outcome = await asyncio.wait_for(
            (await start_replenishment(request)).get_result(), RESULT_TIMEOUT
        )
        assert outcome.state == "completed"
        assert supplier.state.calls[f"quotes:{request.workflow_id}"] == 3


async def test_a_low_stock_edit_in_odoo_becomes_a_confirmed_purchase_order(
    stack_factory: StackFactory, odoo_sandbox
) -> None:
    async with stack_factory(approval_threshold=10_000) as stack:
        (quant,) = await stack.odoo.search_read(
            "stock.quant", [("product_id", "=", 1), ("location_id", "=", 12)], ["quantity"]
        )
        rule = ReorderRule(reorder_point=50, reorder_quantity=100, supplier_id=32)
        assert quant["quantity"] == 40
        await stack.odoo.write("stock.quant", [quant["id"]], {"quantity": 4})

        request = await stock_low_for(
            stack.odoo, product_id=1, location_id=12, event_id="quant-edit-1", rule=rule
        )
        assert request is not None
        assert (request.sku, request.quantity_on_hand) == ("GLV-NIT-S", 4)
        outcome = await asyncio.wait_for(
            (await start_replenishment(request)).get_result(), RESULT_TIMEOUT
        )
        assert outcome.state == "completed"
        assert [o["state"] for o in await _orders(stack, request.workflow_id)] == ["purchase"]
        assert (
            await stock_low_for(
                stack.odoo,
                product_id=1,
                location_id=12,
                event_id="quant-edit-2",
                rule=ReorderRule(reorder_point=4, reorder_quantity=1),
            )
            is None
        )
