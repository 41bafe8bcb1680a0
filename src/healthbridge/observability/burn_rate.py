"""Multiwindow, multi-burn-rate alerts (Google SRE workbook, "Alerting on SLOs").

The burn rate over a window is how fast the error budget is being spent there: the
window's error rate divided by the budget. A burn of 1 spends exactly the whole budget
over the SLO window; 14.4 sustained for one hour spends 2% of a 30-day budget.

An alert fires only when a long window *and* a short window both burn at or above the
factor: the long window proves the burn is significant, the short one that it is still
happening, so the alert resets within minutes of recovery instead of hours.

- fast: 1h and 5m at 14.4x (2% of a 30-day budget in an hour)
- slow: 6h and 30m at 6x (5% of a 30-day budget in six hours)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from typing import Final

from healthbridge.observability.slo import NO_EVENTS, Counts, error_budget, exact


def burn_rate(counts: Counts, target: float | Fraction) -> Fraction:
    """Error rate over error budget for one window; 0 for a window without events."""
    return counts.error_rate / error_budget(target)


@dataclass(frozen=True, slots=True)
class BurnRule:
    """Fire when both windows burn at ``factor`` or more."""

    name: str
    long_window: timedelta
    short_window: timedelta
    factor: Fraction

    def budget_spent_to_fire(self, slo_window: timedelta) -> Fraction:
        """The share of the SLO window's budget spent when the long window first fires."""
        tick = timedelta(microseconds=1)
        return self.factor * Fraction(self.long_window // tick, slo_window // tick)


FAST_BURN: Final = BurnRule("fast", timedelta(hours=1), timedelta(minutes=5), exact("14.4"))
SLOW_BURN: Final = BurnRule("slow", timedelta(hours=6), timedelta(minutes=30), exact(6))
DEFAULT_RULES: Final = (FAST_BURN, SLOW_BURN)


def windows_of(rules: Iterable[BurnRule]) -> tuple[timedelta, ...]:
    """Every window the rules look at, shortest first (5m, 30m, 1h, 6h by default)."""
    return tuple(sorted({w for rule in rules for w in (rule.long_window, rule.short_window)}))


def window_label(window: timedelta) -> str:
    """``5m``, ``1h``, ``3d``: the label Prometheus and the CLI show."""
    seconds = int(window.total_seconds())
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@dataclass(frozen=True, slots=True)
class AlertDecision:
    """One rule evaluated: whether it fires and the two burns it compared."""

    rule: BurnRule
    long_burn: Fraction
    short_burn: Fraction

    @property
    def firing(self) -> bool:
        """Both windows at or above the factor."""
        return self.long_burn >= self.rule.factor and self.short_burn >= self.rule.factor


def evaluate(
    rule: BurnRule, counts: Mapping[timedelta, Counts], target: float | Fraction
) -> AlertDecision:
    """``rule`` over the windows' counts; a window missing from ``counts`` had no events."""
    return AlertDecision(
        rule,
        burn_rate(counts.get(rule.long_window, NO_EVENTS), target),
        burn_rate(counts.get(rule.short_window, NO_EVENTS), target),
    )


def evaluate_all(
    counts: Mapping[timedelta, Counts],
    target: float | Fraction,
    rules: Sequence[BurnRule] = DEFAULT_RULES,
) -> tuple[AlertDecision, ...]:
    """Every rule over the same counts, in the rules' order."""
    return tuple(evaluate(rule, counts, target) for rule in rules)
