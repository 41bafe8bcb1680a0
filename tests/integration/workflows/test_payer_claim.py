"""Invoice to payer against the Odoo and payer sandboxes: OAuth 2.0 client credentials,
FHIR Claim -> ClaimResponse, payment registered in Odoo, denial -> human task."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B.claim import Claim
from fhir.resources.R4B.claimresponse import ClaimResponse

from healthbridge.sandbox.payer import RunningPayer
from healthbridge.services.payer_claims import InvoiceFacts, claim_resource
from healthbridge.workflows.dependencies import dependencies
from healthbridge.workflows.payer_claim import InvoiceToPayer, start_invoice_to_payer
from tests.integration.workflows.conftest import StackFactory

POSTED = 6  # INV/2026/00006, posted, not paid, 196.20 EUR
OTHER_POSTED = 5
DRAFT = 9
RESULT_TIMEOUT = 20.0


def _payer_settings(payer: RunningPayer, **extra: Any) -> dict[str, Any]:
    return {"payer_url": payer.url, "payer_client_secret": payer.state.client_secret, **extra}


async def _claim(invoice_id: int) -> Any:
    handle = await start_invoice_to_payer(InvoiceToPayer(invoice_id=invoice_id, coverage="M-1"))
    return await asyncio.wait_for(handle.get_result(), RESULT_TIMEOUT)


async def test_an_approved_claim_registers_the_payment_and_the_invoice_is_paid(
    stack_factory: StackFactory, payer: RunningPayer
) -> None:
    async with stack_factory(**_payer_settings(payer)) as stack:
        outcome = await _claim(POSTED)

        assert outcome.state == "paid"
        assert outcome.paid_amount == 196.2
        assert outcome.invoice_payment_state == "paid"
        (invoice,) = await stack.odoo.read("account.move", [POSTED], ["payment_state"])
        assert invoice["payment_state"] == "paid"
        payments = await stack.odoo.search_read(
            "account.payment", [("memo", "=", outcome.workflow_id)], ["state", "amount"]
        )
        assert payments == [{"id": outcome.payment_id, "state": "paid", "amount": 196.2}]
        (response,) = payer.state.claims.values()
        ClaimResponse.model_validate(response)


async def test_claiming_the_same_invoice_again_runs_once_and_pays_once(
    stack_factory: StackFactory, payer: RunningPayer
) -> None:
    async with stack_factory(**_payer_settings(payer)) as stack:
        first = await _claim(POSTED)
        second = await _claim(POSTED)
        assert first == second
        assert payer.state.counts["claims"] == 1
        count = await stack.odoo.search_count("account.payment", [("memo", "=", first.workflow_id)])
        assert count == 1


async def test_the_token_is_cached_across_claims_and_refreshed_once_after_revocation(
    stack_factory: StackFactory, payer: RunningPayer
) -> None:
    async with stack_factory(**_payer_settings(payer)):
        await _claim(POSTED)
        await _claim(OTHER_POSTED)
        assert payer.state.counts["tokens_issued"] == 1

        payer.state.tokens.clear()  # revoked by the payer before expiry
        outcome = await _claim(4)

        assert outcome.state == "paid"
        assert payer.state.counts["tokens_issued"] == 2
        assert payer.state.counts["claims_unauthorised"] == 1


async def test_a_token_about_to_expire_is_replaced_before_use(
    stack_factory: StackFactory, payer: RunningPayer
) -> None:
    payer.state.token_seconds = 10
    async with stack_factory(**_payer_settings(payer, payer_token_skew_seconds=10)):
        await _claim(POSTED)
        await _claim(OTHER_POSTED)
        assert payer.state.counts["tokens_issued"] == 2
        assert payer.state.counts["claims_unauthorised"] == 0


async def test_a_denied_claim_opens_a_task_for_billing_and_pays_nothing(
    stack_factory: StackFactory, payer: RunningPayer
) -> None:
    payer.state.faults["deny"] = 1
    async with stack_factory(**_payer_settings(payer)) as stack:
        outcome = await _claim(POSTED)

        assert outcome.state == "denied"
        (response,) = payer.state.claims.values()
        assert ClaimResponse.model_validate(response).outcome == "error"
        (task,) = await stack.tasks.list(states=["open"])
        assert (task.task_id, task.kind, task.assignee) == (
            outcome.task_id,
            "claim_denial",
            "billing",
        )
        assert (
            await stack.odoo.search_count("account.payment", [("memo", "=", outcome.workflow_id)])
            == 0
        )


async def test_a_draft_invoice_is_not_claimed(
    stack_factory: StackFactory, payer: RunningPayer
) -> None:
    async with stack_factory(**_payer_settings(payer)):
        outcome = await _claim(DRAFT)
        assert outcome.state == "not_claimable"
        assert payer.state.counts["claims"] == 0


async def test_wrong_client_credentials_end_the_run_as_failed_without_leaking_the_secret(
    stack_factory: StackFactory, payer: RunningPayer
) -> None:
    async with stack_factory(payer_url=payer.url, payer_client_secret="not-the-secret"):
        outcome = await _claim(POSTED)
        assert outcome.state == "failed"
        assert outcome.reason == "oauth.token_unavailable"
        assert dependencies().settings.payer_client_secret is not None
        assert "not-the-secret" not in repr(outcome)


@pytest.mark.parametrize("coverage", ["M-1", "member/with/slashes"])
def test_the_claim_sent_is_a_valid_fhir_r4_claim(coverage: str) -> None:
    invoice = InvoiceFacts(6, "INV/2026/00006", 54, 196.2, "EUR", date(2026, 11, 1))
    claim = claim_resource("payer-claim-6", invoice, coverage=coverage, created=date(2026, 11, 2))
    parsed = Claim.model_validate(claim)
    assert float(parsed.total.value) == 196.2
    assert parsed.identifier[0].value == "payer-claim-6"
