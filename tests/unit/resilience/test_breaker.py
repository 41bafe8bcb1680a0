"""The circuit breaker on its own: closed, open, half-open, with a clock the test moves."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from healthbridge.resilience import BreakerState, CircuitBreaker, CircuitOpenError


class FakeClock:
    def __init__(self) -> None:
        self.seconds = 50.0

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.seconds, UTC)

    def monotonic(self) -> float:
        return self.seconds


class PeerDownError(Exception):
    """Stands for a transport failure."""


class CallerMistakeError(Exception):
    """Stands for a validation error: the peer answered."""


async def failing() -> None:
    raise PeerDownError


async def refused() -> None:
    raise CallerMistakeError


async def healthy() -> str:
    return "ok"


def breaker(clock: FakeClock, **kw: object) -> CircuitBreaker:
    return CircuitBreaker(
        "peer",
        failure_threshold=3,
        reset_seconds=10.0,
        counts_as_failure=lambda exc: isinstance(exc, PeerDownError),
        clock=clock,
        **kw,  # type: ignore[arg-type]
    )


async def test_a_closed_breaker_passes_calls_and_their_results_through() -> None:
    guard = breaker(FakeClock())

    assert await guard.call(healthy) == "ok"
    assert guard.state is BreakerState.CLOSED


async def test_it_opens_after_the_threshold_of_consecutive_failures() -> None:
    guard = breaker(FakeClock())

    for expected_failures in (1, 2):
        with pytest.raises(PeerDownError):
            await guard.call(failing)
        assert guard.state is BreakerState.CLOSED
        assert guard.consecutive_failures == expected_failures
    with pytest.raises(PeerDownError):
        await guard.call(failing)

    assert guard.state is BreakerState.OPEN


async def test_while_open_it_fails_fast_without_calling_and_says_when_to_retry() -> None:
    clock = FakeClock()
    guard = breaker(clock)
    for _ in range(3):
        with pytest.raises(PeerDownError):
            await guard.call(failing)
    called = False

    async def spy() -> None:
        nonlocal called
        called = True

    clock.seconds += 4
    with pytest.raises(CircuitOpenError) as caught:
        await guard.call(spy)

    assert not called
    assert caught.value.retry_after == pytest.approx(6.0)
    assert caught.value.code == "resilience.circuit_open"
    assert caught.value.details["breaker"] == "peer"


async def test_after_the_reset_time_it_half_opens_and_a_success_closes_it() -> None:
    clock = FakeClock()
    guard = breaker(clock)
    for _ in range(3):
        with pytest.raises(PeerDownError):
            await guard.call(failing)

    clock.seconds += 10
    assert guard.state is BreakerState.HALF_OPEN
    assert await guard.call(healthy) == "ok"

    assert guard.state is BreakerState.CLOSED  # type: ignore[comparison-overlap]
    assert guard.consecutive_failures == 0


async def test_a_failed_probe_opens_it_for_another_reset_period() -> None:
    clock = FakeClock()
    guard = breaker(clock)
    for _ in range(3):
        with pytest.raises(PeerDownError):
            await guard.call(failing)
    clock.seconds += 10

    with pytest.raises(PeerDownError):
        await guard.call(failing)

    assert guard.state is BreakerState.OPEN
    clock.seconds += 9.9
    with pytest.raises(CircuitOpenError):
        await guard.call(healthy)
    clock.seconds += 0.1
    assert await guard.call(healthy) == "ok"


async def test_only_one_probe_runs_while_half_open() -> None:
    clock = FakeClock()
    guard = breaker(clock)
    for _ in range(3):
        with pytest.raises(PeerDownError):
            await guard.call(failing)
    clock.seconds += 10
    release = asyncio.Event()

    async def slow_probe() -> str:
        await release.wait()
        return "probed"

    probe = asyncio.create_task(guard.call(slow_probe))
    await asyncio.sleep(0)
    with pytest.raises(CircuitOpenError):
        await guard.call(healthy)
    release.set()

    assert await probe == "probed"
    assert guard.state is BreakerState.CLOSED


async def test_errors_that_prove_the_peer_answered_do_not_count() -> None:
    guard = breaker(FakeClock())

    for _ in range(10):
        with pytest.raises(CallerMistakeError):
            await guard.call(refused)

    assert guard.state is BreakerState.CLOSED
    assert guard.consecutive_failures == 0


async def test_a_success_between_failures_starts_the_count_again() -> None:
    guard = breaker(FakeClock())

    for _ in range(2):
        with pytest.raises(PeerDownError):
            await guard.call(failing)
    await guard.call(healthy)
    for _ in range(2):
        with pytest.raises(PeerDownError):
            await guard.call(failing)

    assert guard.state is BreakerState.CLOSED


async def test_a_cancelled_probe_lets_the_next_call_probe() -> None:
    clock = FakeClock()
    guard = breaker(clock)
    for _ in range(3):
        with pytest.raises(PeerDownError):
            await guard.call(failing)
    clock.seconds += 10

    async def never() -> None:
        await asyncio.Event().wait()

    probe = asyncio.create_task(guard.call(never))
    await asyncio.sleep(0)
    probe.cancel()
    with pytest.raises(asyncio.CancelledError):
        await probe

    assert await guard.call(healthy) == "ok"


async def test_listeners_hear_every_transition_and_reset_closes_it() -> None:
    clock = FakeClock()
    heard: list[tuple[str, str, str]] = []
    guard = breaker(clock, on_state_change=lambda n, a, b: heard.append((n, a.value, b.value)))
    for _ in range(3):
        with pytest.raises(PeerDownError):
            await guard.call(failing)
    clock.seconds += 10
    await guard.call(healthy)
    for _ in range(3):
        with pytest.raises(PeerDownError):
            await guard.call(failing)
    guard.reset()

    assert heard == [
        ("peer", "closed", "open"),
        ("peer", "open", "half_open"),
        ("peer", "half_open", "closed"),
        ("peer", "closed", "open"),
        ("peer", "open", "closed"),
    ]
    assert guard.state is BreakerState.CLOSED


@pytest.mark.parametrize(("threshold", "reset"), [(0, 1.0), (1, 0.0)])
def test_impossible_settings_are_refused(threshold: int, reset: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        CircuitBreaker("peer", failure_threshold=threshold, reset_seconds=reset)
