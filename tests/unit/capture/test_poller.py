"""The write_date poller: keyset paging, overlap, restarts and errors, against fakes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from structlog.testing import capture_logs

from healthbridge.core.errors import HealthbridgeError
from healthbridge.services import ChangePoller
from healthbridge.testing import FakeClock, FakeOdoo, MemoryChangeLog, MemoryWatermarks

START = datetime(2026, 11, 24, 15, 41, 51, 100000, tzinfo=UTC)


class OdooDownError(HealthbridgeError):
    code = "odoo.unavailable"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def odoo(clock: FakeClock) -> FakeOdoo:
    return FakeOdoo(clock=clock)


@pytest.fixture
def watermarks() -> MemoryWatermarks:
    return MemoryWatermarks()


@pytest.fixture
def changes(watermarks: MemoryWatermarks) -> MemoryChangeLog:
    return MemoryChangeLog(watermarks)


def poller(odoo, changes, watermarks, *, page_size=10, overlap=2.0, models=("res.partner",)):
    return ChangePoller(
        odoo,
        changes,
        watermarks,
        models=models,
        page_size=page_size,
        overlap_seconds=overlap,
        poll_interval_seconds=0.01,
        initial_backoff_seconds=0.01,
        max_backoff_seconds=0.04,
    )


async def partners(odoo: FakeOdoo, count: int) -> list[int]:
    return await odoo.create(
        "res.partner", [{"name": f"P{i}", "active": True} for i in range(count)]
    )


async def late_partner(odoo: FakeOdoo, clock: FakeClock, written_ago: float) -> int:
    """A partner whose transaction began ``written_ago`` seconds back and commits now."""
    now = clock.now()
    clock.set(now - timedelta(seconds=written_ago))
    [late] = await partners(odoo, 1)
    clock.set(now)
    return late


async def recorded_keys(changes: MemoryChangeLog) -> set[tuple[str, int, datetime]]:
    return {row.key for row in await changes.since(0, limit=10_000)}


async def test_the_first_poll_records_every_record_and_sets_the_watermark_at_the_newest(
    odoo, changes, watermarks, clock
):
    await partners(odoo, 3)
    clock.advance(5)
    [last] = await partners(odoo, 1)

    report = await poller(odoo, changes, watermarks).run_once()

    assert report.new == 4
    assert await changes.count() == 4
    mark = await watermarks.get("res.partner")
    assert mark is not None
    assert mark.position == (START.replace(microsecond=0).replace(second=56), last)


async def test_records_sharing_one_write_date_are_paged_by_id_and_none_is_lost(
    odoo, changes, watermarks
):
    ids = await partners(odoo, 25)  # one call: one write_date for all 25

    report = await poller(odoo, changes, watermarks, page_size=10).run_once()

    assert report.new == 25
    assert {key[1] for key in await recorded_keys(changes)} == set(ids)
    assert report.models[0].pages >= 3


async def test_a_second_whose_microsecond_order_differs_from_id_order_is_read_completely(
    odoo, changes, watermarks, clock
):
    # Odoo orders by the stored microseconds but reads back whole seconds: within one
    # second the rows come 4..12, 1, 2, 3, which a naive (write_date, id) keyset would skip.
    first = await partners(odoo, 6)
    clock.advance(0.4)
    second = await partners(odoo, 6)
    clock.advance(0.4)
    await odoo.write("res.partner", first[:3], {"email": "x@example.org"})

    report = await poller(odoo, changes, watermarks, page_size=4).run_once()

    assert report.new == 12
    assert {key[1] for key in await recorded_keys(changes)} == set(first + second)


async def test_a_page_full_of_one_second_does_not_make_the_poller_loop_forever(
    odoo, changes, watermarks, clock
):
    await partners(odoo, 50)
    clock.advance(1)
    await partners(odoo, 50)

    report = await asyncio.wait_for(poller(odoo, changes, watermarks, page_size=7).run_once(), 5)

    assert report.new == 100


async def test_a_later_poll_records_only_what_changed_since(odoo, changes, watermarks, clock):
    ids = await partners(odoo, 5)
    await poller(odoo, changes, watermarks).run_once()
    clock.advance(10)
    await odoo.write("res.partner", ids[:2], {"phone": "555"})

    report = await poller(odoo, changes, watermarks).run_once()

    assert report.new == 2
    assert await changes.count() == 7


async def test_a_late_commit_inside_the_overlap_window_is_caught(odoo, changes, watermarks, clock):
    await partners(odoo, 2)
    clock.advance(10)
    await partners(odoo, 1)
    await poller(odoo, changes, watermarks, overlap=2).run_once()
    # A transaction that started 1 s before the watermark commits only now.
    clock.advance(-1)
    [late] = await partners(odoo, 1)

    report = await poller(odoo, changes, watermarks, overlap=2).run_once()

    assert report.new == 1
    assert late in {key[1] for key in await recorded_keys(changes)}


async def test_without_overlap_a_late_commit_behind_the_watermark_is_missed(
    odoo, changes, watermarks, clock
):
    clock.advance(10)
    await partners(odoo, 1)
    await poller(odoo, changes, watermarks, overlap=0).run_once()
    clock.advance(-1)
    await partners(odoo, 1)

    report = await poller(odoo, changes, watermarks, overlap=0).run_once()

    assert report.new == 0  # this is why overlap_seconds exists


async def test_re_reading_the_overlap_never_moves_the_watermark_back(
    odoo, changes, watermarks, clock
):
    await partners(odoo, 3)
    first = await poller(odoo, changes, watermarks, overlap=30).run_once()

    again = await poller(odoo, changes, watermarks, overlap=30).run_once()

    assert again.new == 0
    assert again.seen == 3
    assert again.models[0].watermark == first.models[0].watermark
    assert await watermarks.get("res.partner") == first.models[0].watermark


async def test_a_new_poller_resumes_from_the_stored_watermark(odoo, changes, watermarks, clock):
    await partners(odoo, 30)
    clock.advance(10)
    await partners(odoo, 1)
    await poller(odoo, changes, watermarks, page_size=10).run_once()
    clock.advance(60)
    await partners(odoo, 5)

    restarted = poller(odoo, changes, watermarks, page_size=10)
    report = await restarted.run_once()

    assert report.new == 5
    # Only the watermark's own second is re-read (2 s overlap); the 30 older ones are not.
    assert report.seen == 1 + 5


async def test_archived_records_are_captured_because_archiving_is_a_change(
    odoo, changes, watermarks, clock
):
    [partner] = await partners(odoo, 1)
    await poller(odoo, changes, watermarks).run_once()
    clock.advance(10)
    await odoo.write("res.partner", [partner], {"active": False})

    report = await poller(odoo, changes, watermarks).run_once()

    assert report.new == 1


async def test_a_crash_between_pages_repeats_at_most_a_page_and_misses_nothing(
    odoo, watermarks, clock
):
    ids = []
    for _ in range(5):
        ids += await partners(odoo, 10)
        clock.advance(5)

    class CrashingLog(MemoryChangeLog):
        pages = 0

        async def record_page(self, page, watermark):
            self.pages += 1
            if self.pages == 3:
                raise OSError("disk gone")
            return await super().record_page(page, watermark)

    crashing = CrashingLog(watermarks)
    with pytest.raises(OSError, match="disk gone"):
        await poller(odoo, crashing, watermarks, page_size=10).poll_model("res.partner")
    kept = await watermarks.get("res.partner")
    assert kept is not None
    assert kept.record_id == ids[19]

    resumed = MemoryChangeLog(watermarks)
    report = await poller(odoo, resumed, watermarks, page_size=10).run_once()

    assert {key[1] for key in await recorded_keys(crashing)} | {
        key[1] for key in await recorded_keys(resumed)
    } == set(ids)
    assert report.seen <= 30 + 10


async def test_an_odoo_error_keeps_the_watermark_logs_no_phi_and_the_other_models_go_on(
    odoo, changes, watermarks
):
    await partners(odoo, 2)
    await odoo.create("product.product", [{"name": "Gauze"}])
    odoo.failures.append(OdooDownError("Odoo said: partner Jane Doe is locked"))

    with capture_logs() as logs:
        report = await poller(
            odoo, changes, watermarks, models=("res.partner", "product.product")
        ).run_once()

    assert report.failed == ("res.partner",)
    assert await watermarks.get("res.partner") is None
    assert await changes.count(model="product.product") == 1
    [failure] = [entry for entry in logs if entry["event"] == "odoo_poll_failed"]
    assert failure["error_code"] == "odoo.unavailable"
    assert "Jane Doe" not in repr(logs)


async def test_run_backs_off_while_odoo_fails_and_then_catches_up(odoo, changes, watermarks):
    await partners(odoo, 3)
    odoo.failures.extend(OdooDownError("down") for _ in range(3))
    stop = asyncio.Event()
    running = poller(odoo, changes, watermarks)

    with capture_logs() as logs:
        task = asyncio.create_task(running.run(stop))
        async with asyncio.timeout(5):
            while await changes.count() < 3:  # noqa: ASYNC110 - polling a fake, bounded by timeout
                await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(task, 5)

    delays = [entry["delay_seconds"] for entry in logs if entry["event"] == "odoo_poll_backoff"]
    assert delays == [0.01, 0.02, 0.04]
    assert await changes.count() == 3


def sweeping_poller(odoo, changes, watermarks, clock, *, sweep_every=1.0, overlap=2.0):
    return ChangePoller(
        odoo,
        changes,
        watermarks,
        models=("res.partner",),
        page_size=10,
        overlap_seconds=overlap,
        sweep_interval_seconds=sweep_every,
        poll_interval_seconds=0.01,
        clock=clock,
    )


async def test_rounds_between_sweeps_read_only_past_the_watermark(odoo, changes, watermarks, clock):
    await partners(odoo, 5)
    polling = sweeping_poller(odoo, changes, watermarks, clock)
    assert (await polling.run_once()).seen == 5
    clock.advance(0.2)
    await partners(odoo, 1)

    between = await polling.run_once()

    # Re-reading the overlap would have seen all 6 again; this round sees only the new one.
    assert (between.seen, between.new) == (1, 1)


async def test_a_late_commit_missed_between_sweeps_is_caught_by_the_next_sweep(
    odoo, changes, watermarks, clock
):
    clock.advance(10)
    await partners(odoo, 2)
    polling = sweeping_poller(odoo, changes, watermarks, clock)
    await polling.run_once()
    clock.advance(0.3)
    await partners(odoo, 1)
    await polling.run_once()
    # A transaction that started 1.5 s ago commits now, behind the watermark.
    late = await late_partner(odoo, clock, 1.5)
    clock.advance(0.3)

    between = await polling.run_once()
    clock.advance(1.0)
    swept = await polling.run_once()

    assert between.new == 0
    assert swept.new == 1
    assert late in {key[1] for key in await recorded_keys(changes)}


async def test_a_late_commit_any_round_would_have_caught_is_caught_by_the_next_sweep(
    odoo, changes, watermarks, clock
):
    clock.advance(10)
    await partners(odoo, 1)
    polling = sweeping_poller(odoo, changes, watermarks, clock, sweep_every=3.0)
    await polling.run_once()  # a sweep
    clock.advance(1.0)
    await partners(odoo, 1)
    await polling.run_once()
    # Written 1.5 s ago, inside the 2 s overlap of the next round, committed only now.
    late = await late_partner(odoo, clock, 1.5)
    for _ in range(3):  # the watermark moves on 1.5 s more before the next sweep
        clock.advance(0.5)
        await partners(odoo, 1)
        assert (await polling.run_once()).new == 1  # only the new partner
    clock.advance(0.6)

    swept = await polling.run_once()

    assert swept.new == 1
    assert late in {key[1] for key in await recorded_keys(changes)}


async def test_a_round_that_finds_nothing_new_writes_nothing(odoo, changes, watermarks, clock):
    await partners(odoo, 3)
    polling = sweeping_poller(odoo, changes, watermarks, clock)
    await polling.run_once()
    saved = await watermarks.get("res.partner")
    clock.advance(5)

    report = await polling.run_once()

    assert (report.seen, report.new) == (3, 0)
    assert await watermarks.get("res.partner") == saved


async def test_a_sweep_after_a_burst_is_read_a_little_each_round_without_holding_back_news(
    odoo, changes, watermarks, clock
):
    clock.advance(10)
    burst = await partners(odoo, 50)
    polling = ChangePoller(
        odoo,
        changes,
        watermarks,
        models=("res.partner",),
        page_size=10,
        overlap_seconds=2.0,
        sweep_interval_seconds=1.0,
        sweep_pages_per_round=1,
        clock=clock,
    )
    await polling.run_once()
    clock.advance(1.1)
    [news] = await partners(odoo, 1)
    calls = len(odoo.calls)

    first = await polling.run_once()

    assert first.new == 1  # the news is recorded in this round ...
    assert news in {key[1] for key in await recorded_keys(changes)}
    assert len(odoo.calls) - calls <= 5  # ... which read one sweep page, not the whole burst
    # Written in the burst's second, behind the watermark (now in the news's second), and
    # committed only now: a late commit only the sweep finds, after the burst's rows.
    late = await late_partner(odoo, clock, 0.9)
    rounds = 0
    while late not in {key[1] for key in await recorded_keys(changes)}:
        clock.advance(0.05)
        await polling.run_once()
        rounds += 1
        assert rounds < 20
    assert rounds > 1
    assert {key[1] for key in await recorded_keys(changes)} >= {*burst, news, late}


async def test_each_round_reports_only_what_it_read_while_a_sweep_goes_on(
    odoo, changes, watermarks, clock
):
    clock.advance(10)
    await partners(odoo, 30)
    polling = ChangePoller(
        odoo,
        changes,
        watermarks,
        models=("res.partner",),
        page_size=10,
        sweep_pages_per_round=1,
        clock=clock,
    )
    await polling.run_once()
    clock.advance(1.5)

    reports = [await polling.run_once() for _ in range(6)]

    assert all(report.new == 0 for report in reports)
    assert all(report.seen <= 10 for report in reports)  # one sweep page a round, not a sum
    assert sum(report.seen for report in reports) >= 30  # the sweep re-read the whole burst
