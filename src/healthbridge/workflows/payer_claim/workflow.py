"""Invoice to payer: invoice -> FHIR Claim -> ClaimResponse -> payment in Odoo, or a task.

Steps act (``read_claimable_invoice``, ``submit_claim``, ``register_claim_payment``,
``open_denial_task``); the body only decides. A denial opens a human task for billing
and ends the run; nothing before it wrote outside, so nothing needs undoing.
"""

from __future__ import annotations

from datetime import timedelta

from dbos import DBOS, SetWorkflowID, WorkflowHandleAsync

from healthbridge.core.errors import HealthbridgeError
from healthbridge.services.payer_claims import (
    InvoiceFacts,
    InvoiceNotClaimableError,
    PaymentRef,
    claim_resource,
    ensure_payment,
    read_invoice,
)
from healthbridge.services.workflow_ports import ClaimDecision, HumanTask
from healthbridge.workflows.dependencies import dependencies, pause_point
from healthbridge.workflows.errors import WorkflowRuntimeError
from healthbridge.workflows.payer_claim.model import ClaimOutcome, InvoiceToPayer
from healthbridge.workflows.payer_claim.payer_client import PayerUnavailableError
from healthbridge.workflows.tracing import traced_step, traced_workflow


def _payer_retry(error: BaseException) -> bool:
    return isinstance(error, PayerUnavailableError)


@traced_step(name="read_claimable_invoice")
async def read_claimable_invoice(invoice_id: int) -> InvoiceFacts:
    """The invoice's facts, when it is a posted customer invoice."""
    return await read_invoice(dependencies().odoo, invoice_id)


@traced_step(
    name="submit_claim",
    retries_allowed=True,
    max_attempts=4,
    interval_seconds=0.2,
    should_retry=_payer_retry,
)
async def submit_claim(reference: str, invoice: InvoiceFacts, coverage: str) -> ClaimDecision:
    """The payer's decision on the claim for ``invoice`` (same identifier, same answer)."""
    deps = dependencies()
    if deps.payer is None:
        raise WorkflowRuntimeError("no payer is configured: set workflows.payer_client_secret")
    claim = claim_resource(reference, invoice, coverage=coverage, created=deps.clock.now().date())
    decision = await deps.payer.submit(claim)
    await pause_point("submit_claim")
    return decision


@traced_step(name="register_claim_payment")
async def register_claim_payment(
    reference: str, invoice: InvoiceFacts, amount: float
) -> PaymentRef:
    """The payer's payment registered against the invoice in Odoo (once per reference)."""
    payment = await ensure_payment(
        dependencies().odoo, reference=reference, invoice=invoice, amount=amount
    )
    await pause_point("register_claim_payment")
    return payment


@traced_step(name="open_denial_task")
async def open_denial_task(
    reference: str, invoice: InvoiceFacts, decision: ClaimDecision
) -> HumanTask:
    """A task for billing to follow the denial up (opened once)."""
    deps = dependencies()
    return await deps.tasks.open(
        task_id=f"{reference}/denial",
        workflow_id=reference,
        kind="claim_denial",
        title=f"Claim for invoice {invoice.number} denied",
        assignee=deps.settings.claim_denial_assignee,
        due_at=deps.clock.now() + timedelta(seconds=deps.settings.task_due_seconds),
        details={
            "invoice": invoice.number,
            "claim_response": decision.claim_response_id,
            "disposition": decision.disposition,
        },
    )


@DBOS.workflow(name="invoice_to_payer")
@traced_workflow
async def invoice_to_payer(request: InvoiceToPayer) -> ClaimOutcome:
    """Claim the invoice; register the payment, or hand a denial to a person."""
    reference = request.workflow_id
    try:
        invoice = await read_claimable_invoice(request.invoice_id)
    except InvoiceNotClaimableError as error:
        return ClaimOutcome(reference, "not_claimable", reason=error.code)
    try:
        decision = await submit_claim(reference, invoice, request.coverage)
    except Exception as error:
        code = error.code if isinstance(error, HealthbridgeError) else type(error).__name__
        return ClaimOutcome(reference, "failed", reason=code)
    if decision.outcome == "denied":
        task = await open_denial_task(reference, invoice, decision)
        return ClaimOutcome(
            reference,
            "denied",
            reason=decision.disposition,
            claim_response_id=decision.claim_response_id,
            task_id=task.task_id,
        )
    payment = await register_claim_payment(reference, invoice, decision.paid_amount)
    return ClaimOutcome(
        reference,
        "paid",
        claim_response_id=decision.claim_response_id,
        paid_amount=decision.paid_amount,
        payment_id=payment.payment_id,
        invoice_payment_state=payment.invoice_payment_state,
    )


async def start_invoice_to_payer(request: InvoiceToPayer) -> WorkflowHandleAsync[ClaimOutcome]:
    """Start (or find) the claim run of this invoice."""
    with SetWorkflowID(request.workflow_id):
        return await DBOS.start_workflow_async(invoice_to_payer, request)
