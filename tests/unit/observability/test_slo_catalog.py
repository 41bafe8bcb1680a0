"""SLOs come from the catalog's Integration manifests, and feed the governance portfolio."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import healthbridge.governance.catalog as catalog_package
from healthbridge.governance.catalog.loader import load_catalog
from healthbridge.observability import Counts, SliSample, SloObjective
from healthbridge.services.slo_status import PortfolioSloStatus, objectives_from_catalog

EXAMPLE = Path(catalog_package.__file__).parent / "example"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_the_example_catalog_gives_availability_and_latency_slos_with_their_tiers() -> None:
    objectives = {(o.integration, o.slo): o for o in objectives_from_catalog(load_catalog(EXAMPLE))}
    replenishment = objectives["supply-replenishment", "availability"]
    assert replenishment.target == 0.999
    assert replenishment.error_budget == Fraction(1, 1000)
    assert replenishment.tier == 1
    assert objectives["supply-replenishment", "latency"].target == 0.99
    assert objectives["ward-supply-requests", "availability"].tier == 2
    assert objectives["ward-supply-requests", "availability"].error_budget == Fraction(5, 1000)


class _Samples:
    """In-memory SLI samples: everything counts in every window."""

    def __init__(self, counts: dict[tuple[str, str], Counts]) -> None:
        self._counts = counts

    async def add(self, samples: Sequence[SliSample]) -> None:
        raise NotImplementedError

    async def counts(
        self, integration: str, slo: str, now: datetime, windows: Sequence[timedelta]
    ) -> Mapping[timedelta, Counts]:
        found = self._counts.get((integration, slo), Counts(0, 0))
        return dict.fromkeys(windows, found)

    async def objectives(self, since: datetime) -> Sequence[tuple[str, str]]:
        return sorted(self._counts)

    async def prune(self, before: datetime) -> int:
        return 0


async def test_the_portfolio_state_is_decided_by_the_worst_slo() -> None:
    objectives = [
        SloObjective("a", "availability", 0.999),
        SloObjective("a", "latency", 0.99),
        SloObjective("b", "availability", 0.999),
        SloObjective("c", "availability", 0.999),
        SloObjective("d", "availability", 0.999),
    ]
    samples = _Samples(
        {
            ("a", "availability"): Counts(1_000_000, 1_000_000),
            ("a", "latency"): Counts(985, 1_000),  # 1.5% slow: budget overspent
            ("b", "availability"): Counts(999_900, 1_000_000),  # 10% of the budget spent
            ("c", "availability"): Counts(999_200, 1_000_000),  # 80% spent: at risk
        }
    )

    class Clock:
        def now(self) -> datetime:
            return NOW

        def monotonic(self) -> float:
            return 0.0

    port = PortfolioSloStatus(samples, objectives, clock=Clock())
    states = await port.status(["a", "b", "c", "d", "e"])
    assert {name: s.state for name, s in states.items()} == {
        "a": "breached",
        "b": "met",
        "c": "at-risk",
        "d": "unknown",
    }
    assert states["a"].detail.startswith("latency: -50.0% of the error budget left")
