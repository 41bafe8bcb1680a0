"""An async circuit breaker: stop calling a peer that keeps failing, and probe it later.

The breaker is closed while calls succeed. After ``failure_threshold`` consecutive
failures it opens, and every call fails at once with ``CircuitOpenError`` instead of
waiting for a timeout from a peer that is down. After ``reset_seconds`` it is half-open:
one probe call goes through; success closes the breaker, failure opens it again.

Which exceptions are failures is the caller's decision (``counts_as_failure``): an
error that proves the peer answered, such as a validation error, says nothing about
its health and counts as a success.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.errors import HealthbridgeError

T = TypeVar("T")

_log = structlog.get_logger(__name__)


class BreakerState(enum.Enum):
    """Where a breaker is in its cycle."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


StateListener = Callable[[str, BreakerState, BreakerState], None]
"""Called with ``(breaker name, old state, new state)`` on every transition."""


class CircuitOpenError(HealthbridgeError):
    """The breaker is open: the call was refused without reaching the peer."""

    code = "resilience.circuit_open"

    def __init__(self, name: str, retry_after: float) -> None:
        super().__init__(
            f"the circuit breaker for {name} is open after repeated failures: "
            f"the call was not attempted; retry in {retry_after:.1f} s or check the peer's health",
            details={"breaker": name, "retry_after_seconds": round(retry_after, 3)},
        )
        self.breaker = name
        self.retry_after = retry_after


def _every_exception(exc: BaseException) -> bool:
    return isinstance(exc, Exception)


class CircuitBreaker:
    """A consecutive-failure circuit breaker for one peer; safe for concurrent tasks.

    All state changes happen between awaits, so no lock is needed on one event loop.
    """

    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 5,
        reset_seconds: float = 30.0,
        counts_as_failure: Callable[[BaseException], bool] = _every_exception,
        clock: Clock | None = None,
        on_state_change: StateListener | None = None,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if reset_seconds <= 0:
            raise ValueError("reset_seconds must be positive")
        self.name = name
        self.failure_threshold = failure_threshold
        self.reset_seconds = reset_seconds
        self._counts_as_failure = counts_as_failure
        self._clock: Clock = clock or SystemClock()
        self._on_state_change = on_state_change
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_in_flight = False

    @property
    def state(self) -> BreakerState:
        """The current state; an open breaker past its reset time reads as half-open."""
        if self._state is BreakerState.OPEN and self._reset_due():
            return BreakerState.HALF_OPEN
        return self._state

    @property
    def consecutive_failures(self) -> int:
        """Failures counted since the last success."""
        return self._failures

    async def call(self, operation: Callable[[], Awaitable[T]]) -> T:
        """Run ``operation`` unless the breaker is open; record how it ended.

        Raises ``CircuitOpenError`` without calling ``operation`` while open, and while a
        half-open probe is already in flight (only one probe at a time).
        """
        probing = self._admit()
        try:
            result = await operation()
        except Exception as exc:
            if self._counts_as_failure(exc):
                self._record_failure(probing)
            else:
                self._record_success(probing)
            raise
        except BaseException:
            # Cancelled: we learnt nothing about the peer; let the next call probe.
            if probing:
                self._probe_in_flight = False
            raise
        self._record_success(probing)
        return result

    def reset(self) -> None:
        """Close the breaker and forget past failures (an operator's override)."""
        self._failures = 0
        self._probe_in_flight = False
        self._transition(BreakerState.CLOSED)

    def _admit(self) -> bool:
        """Let a call through or raise; True when the call is the half-open probe."""
        if self._state is BreakerState.CLOSED:
            return False
        if self._state is BreakerState.OPEN:
            if not self._reset_due():
                raise CircuitOpenError(self.name, self._retry_after())
            self._transition(BreakerState.HALF_OPEN)
        if self._probe_in_flight:
            raise CircuitOpenError(self.name, 0.0)
        self._probe_in_flight = True
        return True

    def _record_success(self, probing: bool) -> None:
        self._failures = 0
        if probing:
            self._probe_in_flight = False
        if self._state is not BreakerState.CLOSED:
            self._transition(BreakerState.CLOSED)

    def _record_failure(self, probing: bool) -> None:
        self._failures += 1
        if probing:
            self._probe_in_flight = False
            self._open()
        elif self._state is BreakerState.CLOSED and self._failures >= self.failure_threshold:
            self._open()

    def _open(self) -> None:
        self._opened_at = self._clock.monotonic()
        self._transition(BreakerState.OPEN)

    def _reset_due(self) -> bool:
        return self._clock.monotonic() - self._opened_at >= self.reset_seconds

    def _retry_after(self) -> float:
        return max(0.0, self.reset_seconds - (self._clock.monotonic() - self._opened_at))

    def _transition(self, new: BreakerState) -> None:
        old = self._state
        self._state = new
        if old is new:
            return
        _log.info(
            "circuit_breaker_state_changed",
            breaker=self.name,
            old_state=old.value,
            new_state=new.value,
            consecutive_failures=self._failures,
        )
        if self._on_state_change is not None:
            self._on_state_change(self.name, old, new)
