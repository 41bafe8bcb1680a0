"""Billing milestones: every legal move goes through Odoo's action, every illegal one is a 409."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from healthbridge.core.errors import ConflictError, InvalidRequestError
from healthbridge.services.billing import LEGAL, Billing, IllegalMilestone, MilestoneRequest
from healthbridge.services.invoices import Invoices
from healthbridge.testing import FakeClock
from tests.unit.services.business_fakes import BusinessOdoo

TODAY = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
MILESTONES = ("draft", "posted", "sent", "paid", "cancelled")
TARGETS = ("posted", "sent", "paid")

_AT: dict[str, dict[str, object]] = {
    "draft": {"state": "draft", "payment_state": "not_paid", "name": "/"},
    "posted": {"state": "posted", "payment_state": "not_paid", "name": "INV/2026/00001"},
    "sent": {
        "state": "posted",
        "payment_state": "not_paid",
        "name": "INV/2026/00001",
        "is_move_sent": True,
    },
    "paid": {"state": "posted", "payment_state": "paid", "name": "INV/2026/00001"},
    "cancelled": {"state": "cancel", "payment_state": "not_paid", "name": "/"},
}


def _odoo_with_invoice(milestone: str, *, sent_field: bool = True) -> tuple[BusinessOdoo, int]:
    odoo = BusinessOdoo(sent_field=sent_field, clock=FakeClock(TODAY))
    payer = odoo.add("res.partner", name="Northwind Health Plan", ref="PAYER-1")
    euro = odoo.add("res.currency", name="EUR")
    invoice = odoo.add(
        "account.move",
        move_type="out_invoice",
        partner_id=payer,
        currency_id=euro,
        ref="CLAIM-77",
        invoice_date="2026-11-01",
        invoice_date_due="2026-12-01",
        amount_total=120.0,
        amount_residual=0.0 if milestone == "paid" else 120.0,
        **_AT[milestone],
    )
    return odoo, invoice


def _billing(odoo: BusinessOdoo) -> Billing:
    return Billing(odoo, Invoices(odoo), clock=FakeClock(TODAY))


def test_the_legal_moves_are_exactly_post_send_and_pay_in_order():
    assert {m: sorted(targets) for m, targets in LEGAL.items()} == {
        "draft": ["posted"],
        "posted": ["paid", "sent"],
        "sent": ["paid"],
        "paid": [],
        "cancelled": [],
    }


async def test_posting_a_draft_calls_odoos_action_post_and_numbers_the_invoice():
    odoo, invoice = _odoo_with_invoice("draft")

    reached = await _billing(odoo).advance(MilestoneRequest(str(invoice), "posted"))

    assert ("account.move", "action_post", (invoice,)) in odoo.actions
    assert reached.previous == "draft"
    assert reached.invoice.milestone == "posted"
    assert reached.invoice.number == f"INV/2026/{invoice:05d}"


async def test_sending_a_posted_invoice_sets_odoos_is_move_sent_flag():
    odoo, _ = _odoo_with_invoice("posted")

    reached = await _billing(odoo).advance(MilestoneRequest("INV/2026/00001", "sent"))

    assert odoo.records("account.move")[0]["is_move_sent"] is True
    assert (reached.previous, reached.invoice.milestone) == ("posted", "sent")


@pytest.mark.parametrize("start", ["posted", "sent"])
async def test_paying_registers_a_posted_validated_payment_for_what_is_still_due(start):
    odoo, invoice = _odoo_with_invoice(start)

    reached = await _billing(odoo).advance(
        MilestoneRequest(str(invoice), "paid", payment_date=date(2026, 11, 20), memo="EFT 991")
    )

    [payment] = odoo.records("account.payment")
    assert payment["amount"] == 120.0
    assert payment["payment_type"] == "inbound"
    assert payment["partner_type"] == "customer"
    assert payment["date"] == "2026-11-20"
    assert payment["memo"] == "EFT 991"
    assert payment["invoice_ids"] == [invoice]
    assert payment["partner_id"] == odoo.records("account.move")[0]["partner_id"]
    methods = [method for model, method, _ in odoo.actions if model == "account.payment"]
    assert methods == ["action_post", "action_validate"]
    assert (reached.previous, reached.invoice.milestone) == (start, "paid")
    assert [p.amount for p in reached.invoice.payments] == [120.0]


async def test_a_payment_without_a_date_is_dated_today_by_the_clock():
    odoo, invoice = _odoo_with_invoice("posted")

    await _billing(odoo).advance(MilestoneRequest(str(invoice), "paid"))

    assert odoo.records("account.payment")[0]["date"] == "2026-11-24"


ILLEGAL = [
    (start, target) for start in MILESTONES for target in TARGETS if target not in LEGAL[start]
]


@pytest.mark.parametrize(("start", "target"), ILLEGAL)
async def test_an_illegal_move_is_a_409_that_names_both_milestones_and_changes_nothing(
    start, target
):
    odoo, invoice = _odoo_with_invoice(start)
    before = odoo.records("account.move")

    with pytest.raises(IllegalMilestone) as raised:
        await _billing(odoo).advance(MilestoneRequest(str(invoice), target))

    error = raised.value
    assert isinstance(error, ConflictError)
    assert error.code == "billing.illegal_transition"
    assert error.details["from"] == start
    assert error.details["to"] == target
    assert error.details["allowed"] == sorted(LEGAL[start])
    assert odoo.records("account.move") == before
    assert odoo.records("account.payment") == []
    assert [a for a in odoo.actions if a[1] != "fields_get"] == []


def test_every_pair_of_milestones_is_either_legal_or_tested_as_illegal():
    legal = [(s, t) for s in MILESTONES for t in TARGETS if t in LEGAL[s]]
    assert len(legal) + len(ILLEGAL) == len(MILESTONES) * len(TARGETS)
    assert len(legal) == 4


async def test_sending_on_an_odoo_without_is_move_sent_is_refused_clearly():
    odoo, invoice = _odoo_with_invoice("posted", sent_field=False)

    with pytest.raises(InvalidRequestError, match="is_move_sent"):
        await _billing(odoo).advance(MilestoneRequest(str(invoice), "sent"))

    assert "is_move_sent" not in odoo.records("account.move")[0]
