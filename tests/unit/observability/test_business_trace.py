"""A business transaction's timeline, and the steps that did not happen in time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from healthbridge.core.errors import NotFoundError
from healthbridge.services.business_trace import (
    ADMISSION_CHAIN,
    SUPPLY_CHAIN,
    build_timeline,
    business_timeline,
    chain_for,
)

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Event:
    business_key: str
    step: str
    system: str
    record_ref: str
    occurred_at: datetime
    trace_id: str | None = None


def _supply(*steps: tuple[str, str, str, timedelta]) -> list[Event]:
    return [Event("supply:SR-1042", s, sys, ref, T0 + after) for s, sys, ref, after in steps]


def test_a_supply_chain_on_time_so_far_shows_the_next_step_as_pending() -> None:
    events = _supply(
        ("supply_request", "hub", "SR-1042", timedelta(0)),
        ("purchase_order", "odoo", "purchase.order/17", timedelta(minutes=20)),
    )
    timeline = build_timeline("supply:SR-1042", events, now=T0 + DAY)
    assert timeline.chain == "supply"
    assert [(s.step, s.status) for s in timeline.steps] == [
        ("supply_request", "on_time"),
        ("purchase_order", "on_time"),
        ("receipt", "pending"),
        ("vendor_bill", "waiting"),
        ("payment", "waiting"),
    ]
    assert timeline.steps[2].expected_by == T0 + timedelta(minutes=20) + 14 * DAY
    assert timeline.problems == ()


def test_a_purchase_order_after_its_hour_is_late_and_a_missing_one_is_overdue() -> None:
    late = build_timeline(
        "k",
        _supply(
            ("supply_request", "hub", "SR-1", timedelta(0)),
            ("purchase_order", "odoo", "purchase.order/3", 2 * HOUR),
        ),
        now=T0 + 3 * HOUR,
    )
    assert late.steps[1].status == "late"
    assert late.steps[1].expected_by == T0 + HOUR
    overdue = build_timeline(
        "k", _supply(("supply_request", "hub", "SR-1", timedelta(0))), now=T0 + 2 * HOUR
    )
    assert [(s.step, s.status) for s in overdue.problems] == [("purchase_order", "overdue")]


def test_an_admission_chain_is_recognised_and_an_unpaid_claim_is_overdue_after_30_days() -> None:
    events = [
        Event("adt:V123", "admission", "ehr", "ADT^A01 MSG00001", T0),
        Event("adt:V123", "patient", "odoo", "res.partner/88", T0 + timedelta(minutes=1)),
        Event("adt:V123", "invoice", "odoo", "account.move/301", T0 + 2 * DAY),
        Event("adt:V123", "claim", "payer", "CLM-9", T0 + 3 * DAY),
    ]
    timeline = build_timeline("adt:V123", events, now=T0 + 40 * DAY)
    assert timeline.chain == "admission"
    assert [s.status for s in timeline.steps] == [
        "on_time",
        "on_time",
        "on_time",
        "on_time",
        "overdue",
    ]
    assert timeline.steps[-1].expected_by == T0 + 33 * DAY
    assert timeline.steps[1].record_ref == "res.partner/88"


def test_a_key_that_entered_mid_chain_shows_its_first_step_as_missing() -> None:
    events = [Event("k", "invoice", "odoo", "account.move/5", T0)]
    timeline = build_timeline("k", events, now=T0)
    assert chain_for(["invoice"]) is ADMISSION_CHAIN
    assert timeline.steps[0].status == "missing"
    assert timeline.steps[0].problem


def test_steps_outside_the_chain_are_listed_as_extra() -> None:
    events = _supply(
        ("supply_request", "hub", "SR-1", timedelta(0)),
        ("supplier_notified", "webhooks", "msg_77", timedelta(minutes=5)),
    )
    timeline = build_timeline("k", events, now=T0)
    assert timeline.steps[-1].step == "supplier_notified"
    assert timeline.steps[-1].status == "extra"
    assert len(timeline.steps) == len(SUPPLY_CHAIN.steps) + 1


class _Events:
    def __init__(self, events: list[Event]) -> None:
        self._events = events

    async def timeline(self, business_key: str) -> list[Event]:
        return [e for e in self._events if e.business_key == business_key]


async def test_an_unknown_key_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        await business_timeline(_Events([]), "supply:nope", T0)  # type: ignore[arg-type]
