"""The change relay with fakes: events follow changes, the cursor follows the acks."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from healthbridge.canonical.changes import RecordedChange
from healthbridge.canonical.events import PurchaseOrderConfirmed, StockLevelChanged
from healthbridge.events import event_id
from healthbridge.mappings.events import events_for_change, source_key
from healthbridge.services.change_events import ChangeRelay
from healthbridge.services.event_ports import OutgoingEvent

WHEN = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def change(model: str, record_id: int, row: int, fields: tuple[str, ...] = ()) -> RecordedChange:
    return RecordedChange(
        id=row,
        model=model,
        record_id=record_id,
        write_date=WHEN + timedelta(seconds=row),
        changed_fields=fields,
        sources=("webhook",),
        seen_count=1,
        first_seen_at=WHEN,
        last_seen_at=WHEN,
    )


RECORDS: dict[tuple[str, int], dict[str, Any]] = {
    ("stock.quant", 1): {
        "id": 1, "product_id": [3, "Gauze"], "location_id": [8, "WH/Stock"], "lot_id": False,
        "quantity": 12.0, "reserved_quantity": 2.0,
    },
    ("purchase.order", 5): {
        "id": 5, "state": "purchase", "name": "P00005", "partner_id": [9, "Supplier"],
        "amount_total": 120.5, "currency_id": [1, "EUR"],
    },
    ("purchase.order", 6): {"id": 6, "state": "draft", "name": "P00006", "partner_id": [9, "S"]},
    ("res.partner", 9): {"id": 9, "is_company": True, "active": True, "ref": "SUP-9"},
}  # fmt: skip


class FakeOdoo:
    async def read(
        self,
        model: str,
        ids: Sequence[int],
        fields: Sequence[str] | None = None,
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        return [RECORDS[(model, i)] for i in ids if (model, i) in RECORDS]


class FakeFeed:
    def __init__(self, changes: list[RecordedChange]) -> None:
        self.changes = changes

    async def since(self, after_id: int = 0, *, limit: int = 100, model: str | None = None):
        return [c for c in self.changes if c.id > after_id][:limit]


class FakeCursors:
    def __init__(self) -> None:
        self.positions: dict[str, int] = {}

    async def get(self, name: str) -> int:
        return self.positions.get(name, 0)

    async def save(self, name: str, position: int, at: datetime) -> None:
        self.positions[name] = position


class FakePublisher:
    def __init__(self, *, fail: bool = False) -> None:
        self.published: list[OutgoingEvent] = []
        self.fail = fail

    async def publish_all(self, items: Sequence[OutgoingEvent]) -> Sequence[object]:
        if self.fail:
            raise RuntimeError("not acknowledged")
        self.published.extend(items)
        return items


FEED = [
    change("stock.quant", 1, 1, ("quantity",)),
    change("purchase.order", 5, 2),
    change("purchase.order", 6, 3),
    change("res.partner", 9, 4, ("email",)),
    change("res.partner", 404, 5),
]


async def test_changes_become_events_and_the_cursor_moves_past_them():
    publisher, cursors = FakePublisher(), FakeCursors()
    relay = ChangeRelay(FakeFeed(FEED), cursors, publisher, FakeOdoo())

    report = await relay.run_once()

    assert [type(o.event).__name__ for o in publisher.published] == [
        "StockLevelChanged", "PurchaseOrderConfirmed", "PartnerUpserted",
    ]  # fmt: skip
    assert report.changes == 5
    assert report.skipped == 2  # a draft order, a deleted partner
    assert cursors.positions["odoo-changes"] == 5
    assert publisher.published[0].source_key == source_key(FEED[0])


async def test_a_failed_publish_leaves_the_cursor_where_it_was():
    cursors = FakeCursors()
    relay = ChangeRelay(FakeFeed(FEED), cursors, FakePublisher(fail=True), FakeOdoo())

    with pytest.raises(RuntimeError):
        await relay.run_once()

    assert cursors.positions == {}


async def test_a_second_round_after_the_cursor_publishes_nothing_again():
    publisher, cursors = FakePublisher(), FakeCursors()
    relay = ChangeRelay(FakeFeed(FEED), cursors, publisher, FakeOdoo(), page_size=2)

    assert await relay.run_until_idle() == 3
    assert (await relay.run_once()).events == 0


def test_facts_are_carried_but_names_are_not():
    [stock] = events_for_change(FEED[0], RECORDS[("stock.quant", 1)])
    [order] = events_for_change(FEED[1], RECORDS[("purchase.order", 5)])

    assert isinstance(stock, StockLevelChanged)
    assert str(stock.quantity.value) == "12.0"
    assert stock.product.identifier.value == "3"
    assert "Gauze" not in stock.model_dump_json()
    assert isinstance(order, PurchaseOrderConfirmed)
    assert order.amount_total.currency == "EUR"
    assert "Supplier" not in order.model_dump_json()


def test_one_change_version_gives_one_event_id():
    key = source_key(FEED[0])

    assert event_id(StockLevelChanged.event_type, key) == event_id(
        StockLevelChanged.event_type, source_key(change("stock.quant", 1, 1))
    )


class FlakyPublisher(FakePublisher):
    """Refuses the first ``failures`` rounds, as NATS does while it restarts."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def publish_all(self, items: Sequence[OutgoingEvent]) -> Sequence[object]:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("not acknowledged")
        return await super().publish_all(items)


async def test_a_running_relay_outlives_failed_rounds_and_publishes_once_they_pass():
    publisher, cursors, stop = FlakyPublisher(failures=3), FakeCursors(), asyncio.Event()
    relay = ChangeRelay(FakeFeed(FEED), cursors, publisher, FakeOdoo())

    task = asyncio.create_task(relay.run(stop, interval=0.001, max_backoff=0.01))
    async with asyncio.timeout(5):
        while cursors.positions.get("odoo-changes") != 5:  # noqa: ASYNC110 - a fake has no signal
            await asyncio.sleep(0.005)
    stop.set()
    await task

    assert publisher.failures == 0
    assert len(publisher.published) == 3


class GatedPublisher(FakePublisher):
    """Holds each page's acks until the test releases them; can refuse one page."""

    def __init__(self, *, refuse_page: int | None = None) -> None:
        super().__init__()
        self.pages: list[asyncio.Event] = []
        self.refuse_page = refuse_page

    async def publish_all(self, items: Sequence[OutgoingEvent]) -> Sequence[object]:
        gate = asyncio.Event()
        self.pages.append(gate)
        page = len(self.pages)
        await gate.wait()
        if page == self.refuse_page:
            raise RuntimeError("not acknowledged")
        return await super().publish_all(items)


def stock_feed(count: int) -> list[RecordedChange]:
    return [change("stock.quant", 1, row, ("quantity",)) for row in range(1, count + 1)]


async def until(condition, seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - fakes have no signal
            await asyncio.sleep(0.001)


async def test_a_backlog_publishes_the_next_page_before_the_previous_one_is_acked():
    publisher, cursors = GatedPublisher(), FakeCursors()
    relay = ChangeRelay(FakeFeed(stock_feed(6)), cursors, publisher, FakeOdoo(), page_size=2)

    draining = asyncio.create_task(relay.run_until_idle())
    await until(lambda: len(publisher.pages) == 2)

    assert cursors.positions == {}  # two pages out, none acknowledged: no cursor yet
    publisher.pages[1].set()  # the second page is acked first ...
    await asyncio.sleep(0.01)
    assert cursors.positions == {}  # ... but its cursor waits for the first page
    publisher.pages[0].set()
    await until(lambda: len(publisher.pages) == 3)
    publisher.pages[2].set()

    assert await draining == 6
    assert cursors.positions["odoo-changes"] == 6


async def test_a_refused_page_in_the_pipeline_keeps_the_cursor_at_the_last_acked_page():
    feed, publisher, cursors = FakeFeed(stock_feed(6)), GatedPublisher(refuse_page=2), FakeCursors()
    relay = ChangeRelay(feed, cursors, publisher, FakeOdoo(), page_size=2)

    draining = asyncio.create_task(relay.run_until_idle())
    await until(lambda: len(publisher.pages) == 2)
    publisher.pages[0].set()
    publisher.pages[1].set()

    with pytest.raises(RuntimeError):
        await draining
    assert cursors.positions["odoo-changes"] == 2
    # The next round starts after the last acknowledged page: nothing skipped.
    assert [c.id for c in await feed.since(cursors.positions["odoo-changes"])] == [3, 4, 5, 6]


async def test_a_wake_ends_the_idle_wait_at_once():
    feed, publisher, cursors, stop = FakeFeed([]), FakePublisher(), FakeCursors(), asyncio.Event()
    relay = ChangeRelay(feed, cursors, publisher, FakeOdoo())
    task = asyncio.create_task(relay.run(stop, interval=60.0))
    await asyncio.sleep(0.01)  # idle now, for a minute

    feed.changes.append(change("stock.quant", 1, 1, ("quantity",)))
    relay.wake()
    await until(lambda: cursors.positions.get("odoo-changes") == 1, seconds=2.0)
    stop.set()
    await asyncio.wait_for(task, 2.0)

    assert len(publisher.published) == 1


class StepClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


def relay_at(clock: StepClock, feed: list[RecordedChange], **kwargs: Any) -> tuple[
    ChangeRelay, FakePublisher, FakeCursors
]:  # fmt: skip
    publisher, cursors = FakePublisher(), FakeCursors()
    relay = ChangeRelay(
        FakeFeed(feed), cursors, publisher, FakeOdoo(), settle_margin_seconds=0.25, clock=clock,
        **kwargs,
    )  # fmt: skip
    return relay, publisher, cursors


DRAFT_7 = {"id": 7, "state": "draft", "name": "P00007", "partner_id": [9, "S"],
           "amount_total": 40.0, "currency_id": [1, "EUR"]}  # fmt: skip


async def test_a_change_read_in_its_own_second_is_read_again_once_that_second_is_over():
    # A workflow step creates a draft order and confirms it within one second: Odoo's
    # whole-second write_date makes both one change version, recorded once.
    clock = StepClock(WHEN + timedelta(seconds=7, milliseconds=300))
    order = dict(DRAFT_7)
    RECORDS[("purchase.order", 7)] = order
    try:
        relay, publisher, cursors = relay_at(clock, [change("purchase.order", 7, 7)])
        first = await relay.run_once()  # read at once: still a draft, no event
        order["state"] = "purchase"  # confirmed later in the same second
        clock.current = WHEN + timedelta(seconds=8, milliseconds=100)
        await relay.run_once()  # the margin for clock skew has not passed yet
        early = list(publisher.published)
        clock.current = WHEN + timedelta(seconds=8, milliseconds=300)
        await relay.run_once()
    finally:
        del RECORDS[("purchase.order", 7)]

    assert (first.changes, first.events, early) == (1, 0, [])
    [published] = publisher.published
    assert isinstance(published.event, PurchaseOrderConfirmed)
    assert published.source_key == source_key(change("purchase.order", 7, 7))
    assert cursors.positions[relay.name] == 7
    assert cursors.positions[f"{relay.name}:settled"] == 7
    assert relay.unsettled_for is None


async def test_the_same_event_with_other_facts_is_published_again_under_a_fingerprinted_key():
    clock = StepClock(WHEN + timedelta(seconds=1, milliseconds=100))
    quant = RECORDS[("stock.quant", 1)]
    relay, publisher, _ = relay_at(clock, [change("stock.quant", 1, 1)])
    try:
        await relay.run_once()
        quant["quantity"] = 9.0  # counted again within the same second
        clock.current = WHEN + timedelta(seconds=3)
        await relay.run_once()
        await relay.run_once()  # re-read once only
    finally:
        quant["quantity"] = 12.0

    first, again = publisher.published
    assert (first.event.quantity.value, again.event.quantity.value) == (12, 9)
    assert again.source_key.startswith(first.source_key + ":")
    assert first.source_key != again.source_key


async def test_unchanged_facts_or_a_later_version_publish_nothing_more():
    clock = StepClock(WHEN + timedelta(seconds=1, milliseconds=100))
    quant = RECORDS[("stock.quant", 1)]
    feed = [change("stock.quant", 1, 1), change("purchase.order", 5, 2)]
    relay, publisher, _ = relay_at(clock, feed)
    order = RECORDS[("purchase.order", 5)]
    try:
        await relay.run_once()
        order["amount_total"] = 99.0
        order["write_date"] = "2026-11-24 08:00:05"  # written again in a later second
        clock.current = WHEN + timedelta(seconds=4)
        await relay.run_once()
    finally:
        order["amount_total"] = 120.5
        del order["write_date"]
        assert quant["quantity"] == 12.0

    assert len(publisher.published) == 2  # the first reads only


async def test_a_restarted_relay_re_reads_what_the_last_one_never_re_read():
    clock = StepClock(WHEN + timedelta(seconds=7, milliseconds=300))
    order = dict(DRAFT_7)
    RECORDS[("purchase.order", 7)] = order
    feed = [change("purchase.order", 7, 7)]
    try:
        relay, publisher, cursors = relay_at(clock, feed)
        await relay.run_once()  # stopped before the second is over
        order["state"] = "purchase"
        clock.current = WHEN + timedelta(seconds=30)
        restarted = ChangeRelay(
            FakeFeed(feed), cursors, publisher, FakeOdoo(), settle_margin_seconds=0.25,
            clock=clock,
        )  # fmt: skip
        await restarted.run_once()
    finally:
        del RECORDS[("purchase.order", 7)]

    [published] = publisher.published
    assert isinstance(published.event, PurchaseOrderConfirmed)
    assert cursors.positions[f"{restarted.name}:settled"] == 7


@pytest.mark.parametrize(
    ("payment_state", "milestone", "invoice_event"),
    [("not_paid", "posted", "InvoicePosted"), ("paid", "paid", "InvoicePaid")],
)
def test_a_customer_invoice_change_also_announces_its_billing_milestone(
    payment_state: str, milestone: str, invoice_event: str
):
    invoice = {
        "id": 31, "state": "posted", "move_type": "out_invoice", "payment_state": payment_state,
        "name": "INV/2026/0031", "partner_id": [9, "Payer"], "amount_total": 250.0,
        "amount_residual": 250.0, "currency_id": [1, "EUR"],
    }  # fmt: skip
    vendor_bill = {**invoice, "move_type": "in_invoice"}
    changed = change("account.move", 31, 9)

    events = events_for_change(changed, invoice)

    assert [type(e).__name__ for e in events] == [invoice_event, "BillingMilestoneReached"]
    reached = events[1]
    assert reached.milestone == milestone
    assert reached.amount is not None
    assert reached.amount.amount == 250
    assert reached.record == events[0].record
    assert [type(e).__name__ for e in events_for_change(changed, vendor_bill)] == [invoice_event]
