"""Burn rates and multiwindow alerts, with exact numbers for a 99.9% SLO over 30 days."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest

from healthbridge.observability import (
    DEFAULT_RULES,
    FAST_BURN,
    SLOW_BURN,
    Counts,
    SloObjective,
    budget_remaining,
    burn_rate,
    error_budget,
    evaluate,
    window_label,
    windows_of,
)

TARGET = 0.999
HOUR = timedelta(hours=1)
FIVE_MINUTES = timedelta(minutes=5)
SIX_HOURS = timedelta(hours=6)
HALF_HOUR = timedelta(minutes=30)


def test_the_error_budget_of_99_9_percent_is_exactly_one_in_a_thousand() -> None:
    assert error_budget(TARGET) == Fraction(1, 1000)
    assert SloObjective("odoo-inventory", "availability", TARGET).error_budget == Fraction(1, 1000)


def test_an_error_rate_of_1_44_percent_burns_at_exactly_14_4() -> None:
    assert burn_rate(Counts(good=10_000 - 144, total=10_000), TARGET) == Fraction(72, 5)


def test_a_window_without_events_burns_nothing_and_spends_no_budget() -> None:
    assert burn_rate(Counts(0, 0), TARGET) == 0
    assert budget_remaining(Counts(0, 0), TARGET) == 1


def test_a_quarter_of_the_allowed_errors_leaves_three_quarters_of_the_budget() -> None:
    month = Counts(good=1_000_000 - 250, total=1_000_000)
    assert budget_remaining(month, TARGET) == Fraction(3, 4)


def test_overspending_the_budget_leaves_a_negative_remainder() -> None:
    month = Counts(good=1_000_000 - 1_500, total=1_000_000)
    assert budget_remaining(month, TARGET) == Fraction(-1, 2)


def test_the_fast_and_slow_rules_spend_2_and_5_percent_of_a_30_day_budget() -> None:
    assert FAST_BURN.budget_spent_to_fire(timedelta(days=30)) == Fraction(2, 100)
    assert SLOW_BURN.budget_spent_to_fire(timedelta(days=30)) == Fraction(5, 100)


def test_the_rules_look_at_four_windows_from_five_minutes_to_six_hours() -> None:
    assert [window_label(w) for w in windows_of(DEFAULT_RULES)] == ["5m", "30m", "1h", "6h"]


class TestFastBurn:
    def test_fires_when_both_the_hour_and_five_minutes_burn_at_14_4_or_more(self) -> None:
        decision = evaluate(
            FAST_BURN,
            {HOUR: Counts(10_000 - 144, 10_000), FIVE_MINUTES: Counts(1_000 - 15, 1_000)},
            TARGET,
        )
        assert decision.long_burn == Fraction(72, 5)
        assert decision.short_burn == 15
        assert decision.firing

    def test_does_not_fire_when_only_the_hour_burns_fast(self) -> None:
        decision = evaluate(
            FAST_BURN,
            {HOUR: Counts(10_000 - 200, 10_000), FIVE_MINUTES: Counts(1_000 - 14, 1_000)},
            TARGET,
        )
        assert decision.long_burn == 20
        assert decision.short_burn == 14
        assert not decision.firing

    def test_does_not_fire_when_only_the_last_five_minutes_burn_fast(self) -> None:
        decision = evaluate(
            FAST_BURN,
            {HOUR: Counts(10_000 - 143, 10_000), FIVE_MINUTES: Counts(1_000 - 500, 1_000)},
            TARGET,
        )
        assert decision.long_burn == Fraction(143, 10)
        assert not decision.firing

    def test_does_not_fire_without_events_in_the_short_window(self) -> None:
        decision = evaluate(FAST_BURN, {HOUR: Counts(0, 100)}, TARGET)
        assert decision.long_burn == 1000
        assert decision.short_burn == 0
        assert not decision.firing


class TestSlowBurn:
    def test_fires_at_6x_over_six_hours_and_thirty_minutes(self) -> None:
        decision = evaluate(
            SLOW_BURN,
            {SIX_HOURS: Counts(100_000 - 600, 100_000), HALF_HOUR: Counts(5_000 - 30, 5_000)},
            TARGET,
        )
        assert decision.long_burn == 6
        assert decision.short_burn == 6
        assert decision.firing

    def test_does_not_fire_when_the_last_thirty_minutes_have_recovered(self) -> None:
        decision = evaluate(
            SLOW_BURN,
            {SIX_HOURS: Counts(100_000 - 600, 100_000), HALF_HOUR: Counts(5_000 - 29, 5_000)},
            TARGET,
        )
        assert decision.short_burn == Fraction(29, 5)
        assert not decision.firing

    def test_a_burn_that_pages_fast_also_fires_slow_when_sustained(self) -> None:
        counts = {
            w: Counts(10_000 - 150, 10_000) for w in (HOUR, FIVE_MINUTES, SIX_HOURS, HALF_HOUR)
        }
        assert evaluate(FAST_BURN, counts, TARGET).firing
        assert evaluate(SLOW_BURN, counts, TARGET).firing


@pytest.mark.parametrize(
    ("good", "total"), [(-1, 5), (6, 5), (0, -1)], ids=["negative", "more-good", "negative-total"]
)
def test_impossible_counts_are_refused(good: int, total: int) -> None:
    with pytest.raises(ValueError, match="good"):
        Counts(good, total)


@pytest.mark.parametrize("target", [0.0, 1.0, 1.5])
def test_a_target_outside_zero_and_one_is_refused(target: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        SloObjective("x", "availability", target)
