"""Service level objectives and their error budgets: pure arithmetic, exact.

An SLO says what share of events must be good over a rolling window (availability:
requests not answered with a server error; latency: requests under the threshold;
freshness: syncs that landed within their bound). The error budget is the share that may
be bad, ``1 - target``; a 99.9% SLO over 30 days may spend 0.1% of that window's events.

The maths uses ``Fraction`` so thresholds are compared exactly: an error rate of exactly
14.4 times the budget is a burn of exactly 14.4, not 14.399999.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from typing import Final, Literal

SloKind = Literal["availability", "latency", "freshness"]
SLO_KINDS: Final[tuple[SloKind, ...]] = ("availability", "latency", "freshness")
Tier = Literal[1, 2, 3]

DEFAULT_SLO_WINDOW: Final = timedelta(days=30)


def exact(value: float | str | Fraction) -> Fraction:
    """A target or factor as an exact fraction of its decimal spelling (0.999 -> 999/1000)."""
    return value if isinstance(value, Fraction) else Fraction(str(value))


@dataclass(frozen=True, slots=True)
class SloObjective:
    """One objective of one integration, with the criticality tier that routes its alerts."""

    integration: str
    slo: str
    """What is measured: usually one of ``SLO_KINDS``."""
    target: float
    """The share of good events, strictly between 0 and 1 (0.999)."""
    tier: Tier = 2
    """1 pages the on-call, 2 notifies, 3 opens a ticket."""
    window: timedelta = DEFAULT_SLO_WINDOW

    def __post_init__(self) -> None:
        if not 0 < self.target < 1:
            raise ValueError(f"an SLO target must be between 0 and 1, not {self.target}")
        if self.tier not in (1, 2, 3):
            raise ValueError(f"a criticality tier is 1, 2 or 3, not {self.tier}")
        if self.window <= timedelta(0):
            raise ValueError("an SLO window must be positive")

    @property
    def error_budget(self) -> Fraction:
        """The share of events that may be bad: ``1 - target``."""
        return error_budget(self.target)


@dataclass(frozen=True, slots=True)
class Counts:
    """Good and total events over some window."""

    good: int
    total: int

    def __post_init__(self) -> None:
        if self.total < 0 or not 0 <= self.good <= self.total:
            raise ValueError("counts need 0 <= good <= total")

    @property
    def bad(self) -> int:
        """Events that missed the objective."""
        return self.total - self.good

    @property
    def error_rate(self) -> Fraction:
        """Bad over total; 0 when nothing happened (no traffic spends no budget)."""
        return Fraction(self.bad, self.total) if self.total else Fraction(0)

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.good + other.good, self.total + other.total)


NO_EVENTS: Final = Counts(0, 0)


def error_budget(target: float | Fraction) -> Fraction:
    """``1 - target``, exactly."""
    return 1 - exact(target)


def budget_consumed(counts: Counts, target: float | Fraction) -> Fraction:
    """The share of the window's error budget spent: error rate over budget (1 = all of it)."""
    return counts.error_rate / error_budget(target)


def budget_remaining(counts: Counts, target: float | Fraction) -> Fraction:
    """The share of the error budget left over the SLO window; negative once overspent."""
    return 1 - budget_consumed(counts, target)
