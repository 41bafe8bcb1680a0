"""Quotas count per client in memory and describe themselves in RateLimit headers."""

from __future__ import annotations

import time

import pytest
from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from healthbridge.security.quotas import LocalWindows, Quotas


async def test_the_budget_runs_out_and_the_headers_say_so():
    quotas = Quotas(MemoryStorage(), "3/minute")

    decisions = [await quotas.consume("c1") for _ in range(4)]

    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert dict(decisions[0].headers())[b"ratelimit-policy"] == b'"default";q=3;w=60'
    assert 1 <= decisions[-1].reset_seconds <= 60


async def test_clients_have_separate_budgets_and_overrides():
    quotas = Quotas(MemoryStorage(), "1/minute", {"big": "10/second"})

    assert (await quotas.consume("a")).allowed
    assert not (await quotas.consume("a")).allowed
    assert (await quotas.consume("b")).allowed
    decision = await quotas.consume("big")
    assert (decision.policy, decision.limit, decision.window_seconds) == ("client", 10, 1)


async def test_the_in_process_window_decides_as_the_limits_sliding_window_counter(monkeypatch):
    """The per-process fast path and ``limits``' own strategy agree hit for hit.

    Both run on the same clock, through three fixed windows: a burst up to the limit,
    the weighted carry-over of the previous window, and an idle gap that forgets it.
    """
    clock = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    item = parse("5/10 seconds")
    reference = SlidingWindowCounterRateLimiter(MemoryStorage())
    local = LocalWindows()
    offsets = [0.5, 1, 2, 3, 4, 5, 9.9, 10.2, 11, 12, 13.5, 15, 17, 19.99, 35, 35.1]
    for offset in offsets:
        clock[0] = 1_000_000.0 + offset
        expected_allowed = await reference.hit(item, "c")
        stats = await reference.get_window_stats(item, "c")
        hit = local.hit("c", item.amount, item.get_expiry(), clock[0])
        assert hit.allowed == expected_allowed, offset
        assert hit.remaining == stats.remaining, offset
        assert hit.reset_in == pytest.approx(stats.reset_time - clock[0], abs=1e-6), offset


async def test_memory_quotas_refuse_past_the_limit_and_recover_as_the_window_slides(
    monkeypatch,
):
    clock = [60.0 * 33_333 + 1]  # one second into a fixed window
    monkeypatch.setattr(time, "time", lambda: clock[0])
    quotas = Quotas(MemoryStorage(), "2/minute")

    assert [(await quotas.consume("c")).allowed for _ in range(3)] == [True, True, False]
    clock[0] += 60  # the next window: the two old hits still weigh 59/60 each
    assert [(await quotas.consume("c")).allowed for _ in range(2)] == [True, False]
    clock[0] += 45  # 14/60 of the old window is still covered: its hits weigh 0.47
    decision = await quotas.consume("c")
    assert (decision.allowed, decision.remaining) == (True, 0)
    assert not (await quotas.consume("c")).allowed
