"""Quotas count per client in memory and describe themselves in RateLimit headers."""

from __future__ import annotations

from limits.aio.storage import MemoryStorage

from healthbridge.security.quotas import Quotas


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
