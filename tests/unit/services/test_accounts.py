"""Account status maths: balance due, overdue, and credit hold after N days, on a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from healthbridge.core.errors import NotFoundError
from healthbridge.services.accounts import Accounts
from healthbridge.testing import FakeClock
from tests.unit.services.business_fakes import BusinessOdoo

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def _day(days_from_today: int) -> str:
    return (TODAY + timedelta(days=days_from_today)).isoformat()


class Ledger:
    """An Odoo with one payer account and helpers to post its invoices and credit notes."""

    def __init__(self, *, tags: tuple[str, ...] = ("Payer",)) -> None:
        self.odoo = BusinessOdoo(clock=FakeClock(NOW))
        tag_ids = [self.odoo.add("res.partner.category", name=tag) for tag in tags]
        self.partner = self.odoo.add(
            "res.partner", name="Northwind Health Plan", ref="PAYER-1", category_id=tag_ids
        )
        self.eur = self.odoo.add("res.currency", name="EUR")
        self.usd = self.odoo.add("res.currency", name="USD")

    def move(
        self,
        residual: float,
        due_in_days: int | None,
        *,
        kind: str = "out_invoice",
        state: str = "posted",
        currency: int | None = None,
        partner: int | None = None,
    ) -> None:
        self.odoo.add(
            "account.move",
            partner_id=partner or self.partner,
            move_type=kind,
            state=state,
            amount_residual=residual,
            invoice_date_due=_day(due_in_days) if due_in_days is not None else False,
            currency_id=currency or self.eur,
        )

    async def status(self, hold_after: int = 30):  # type: ignore[no-untyped-def]
        accounts = Accounts(self.odoo, credit_hold_after_days=hold_after, clock=FakeClock(NOW))
        return await accounts.status("PAYER-1")


async def test_the_balance_is_what_is_still_due_and_credit_notes_count_against_it():
    ledger = Ledger()
    ledger.move(100.0, 10)
    ledger.move(50.5, 20)
    ledger.move(30.25, None, kind="out_refund")
    ledger.move(0.0, -40)  # paid: nothing left due, even though its due date has passed

    status = await ledger.status()

    [eur] = status.balances
    assert eur.currency == "EUR"
    assert eur.balance_due == pytest.approx(120.25)
    assert eur.open_invoices == 2
    assert eur.overdue == 0.0
    assert eur.overdue_invoices == 0
    assert eur.oldest_due_date == date.fromisoformat(_day(10))
    assert status.credit_hold is False
    assert status.days_overdue == 0


async def test_only_amounts_past_their_due_date_are_overdue():
    ledger = Ledger()
    ledger.move(100.0, -5)
    ledger.move(40.0, -1)
    ledger.move(60.0, 0)  # due today is not overdue yet
    ledger.move(10.0, 3)

    status = await ledger.status()

    [eur] = status.balances
    assert eur.balance_due == 210.0
    assert eur.overdue == 140.0
    assert eur.overdue_invoices == 2
    assert eur.open_invoices == 4
    assert status.days_overdue == 5


async def test_drafts_cancelled_moves_and_other_partners_do_not_count():
    ledger = Ledger()
    other = ledger.odoo.add("res.partner", name="Someone else", ref="PAYER-2")
    ledger.move(100.0, -90, state="draft")
    ledger.move(100.0, -90, state="cancel")
    ledger.move(100.0, -90, partner=other)
    ledger.move(100.0, -90, kind="in_invoice")
    ledger.move(25.0, 5)

    status = await ledger.status()

    assert [(b.balance_due, b.overdue) for b in status.balances] == [(25.0, 0.0)]
    assert status.credit_hold is False


async def test_balances_are_kept_apart_per_currency_in_code_order():
    ledger = Ledger()
    ledger.move(70.0, -3, currency=ledger.usd)
    ledger.move(30.0, 5, currency=ledger.eur)

    status = await ledger.status()

    assert [(b.currency, b.balance_due, b.overdue) for b in status.balances] == [
        ("EUR", 30.0, 0.0),
        ("USD", 70.0, 70.0),
    ]
    assert status.days_overdue == 3


@pytest.mark.parametrize(
    ("days_overdue", "hold_after", "on_hold"),
    [(30, 30, False), (31, 30, True), (8, 7, True), (7, 7, False), (1, 0, True)],
)
async def test_an_account_goes_on_credit_hold_once_something_is_overdue_more_than_n_days(
    days_overdue, hold_after, on_hold
):
    ledger = Ledger()
    ledger.move(10.0, -days_overdue)
    ledger.move(10.0, -1)

    status = await ledger.status(hold_after)

    assert status.days_overdue == days_overdue
    assert status.credit_hold is on_hold
    assert status.credit_hold_after_days == hold_after
    assert status.as_of == NOW


async def test_an_overdue_credit_note_does_not_put_an_account_on_hold():
    ledger = Ledger()
    ledger.move(500.0, -90, kind="out_refund")

    status = await ledger.status()

    assert status.balances[0].balance_due == -500.0
    assert status.balances[0].overdue == 0.0
    assert status.credit_hold is False


@pytest.mark.parametrize(
    ("tags", "kind"),
    [(("Patient", "Payer"), "patient"), (("Payer",), "payer"), ((), "other"), (("VIP",), "other")],
)
async def test_the_account_kind_comes_from_the_partners_tags(tags, kind):
    ledger = Ledger(tags=tags)

    status = await ledger.status()

    assert status.kind == kind
    assert status.name == "Northwind Health Plan"
    assert status.balances == ()


async def test_an_unknown_account_is_not_found():
    ledger = Ledger()

    with pytest.raises(NotFoundError):
        await Accounts(ledger.odoo, clock=FakeClock(NOW)).status("urn:example:mpi|nobody")
