"""When an Odoo call may be repeated, and how long to wait between attempts.

Only reads and calls the caller marks idempotent are retried, and only after an error
that says Odoo was unreachable or unwell (``is_transient``). A ``create``, ``write``,
``unlink`` or workflow method that timed out may have been applied: repeating it could
duplicate a purchase order or post an invoice twice, so it is never retried here.

Backoff is exponential with full jitter (a uniform draw between 0 and the exponential
step, capped at the ceiling), so many clients recovering together do not retry in step.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Final, TypeVar

import structlog
import tenacity

from healthbridge.connectors.odoo.errors import OdooError, is_transient
from healthbridge.core.settings import OdooSettings

T = TypeVar("T")

_log = structlog.get_logger(__name__)

READ_METHODS: Final = frozenset(
    {
        "search_read",
        "read",
        "search",
        "search_count",
        "fields_get",
        "name_search",
        "context_get",
        "version",
        # Checks credentials and returns the uid; Odoo writes nothing a retry could duplicate.
        "authenticate",
    }
)


def may_retry(method: str, *, idempotent: bool = False) -> bool:
    """Whether a call to ``method`` may be attempted more than once."""
    return idempotent or method in READ_METHODS


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Attempts and backoff for retryable calls."""

    attempts: int = 3
    """Total attempts, the first included."""
    initial_backoff_seconds: float = 0.1
    max_backoff_seconds: float = 2.0
    retry_on: Callable[[BaseException], bool] = is_transient
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep)
    """Injectable so tests can observe backoff without waiting for it."""

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.initial_backoff_seconds <= 0 or self.max_backoff_seconds <= 0:
            raise ValueError("backoff seconds must be positive")

    @classmethod
    def from_settings(cls, settings: OdooSettings) -> RetryPolicy:
        """The policy the ``odoo.retry_*`` settings describe."""
        return cls(
            attempts=settings.retry_attempts,
            initial_backoff_seconds=settings.retry_initial_backoff_seconds,
            max_backoff_seconds=settings.retry_max_backoff_seconds,
        )

    def _wait(self) -> tenacity.wait.wait_base:
        return tenacity.wait_random_exponential(
            multiplier=self.initial_backoff_seconds, max=self.max_backoff_seconds
        )

    def backoff(self, attempt: int) -> float:
        """One draw of the wait after failed attempt number ``attempt`` (1-based)."""
        state = tenacity.RetryCallState(
            retry_object=tenacity.AsyncRetrying(), fn=None, args=(), kwargs={}
        )
        state.attempt_number = attempt
        return float(self._wait()(state))

    async def run(self, operation: Callable[[], Awaitable[T]]) -> T:
        """Await ``operation`` until it succeeds, fails for good, or attempts run out.

        The last error is re-raised as it is (never wrapped in tenacity's RetryError).
        The first attempt runs outside tenacity: setting up a retry loop costs more than
        40 µs per call, paid on every read although nearly all succeed at once.
        """
        try:
            return await operation()
        except Exception as exc:
            if self.attempts < 2 or not self.retry_on(exc):
                raise
            first_delay = self.backoff(1)
            _log_retry(exc, attempt=1, backoff=first_delay)
        await self.sleep(first_delay)

        async def attempt() -> T:
            return await operation()

        # tenacity counts from 1 again: its attempt n is our attempt n + 1.
        retrying = tenacity.AsyncRetrying(
            stop=tenacity.stop_after_attempt(self.attempts - 1),
            wait=lambda state: self.backoff(state.attempt_number + 1),
            retry=tenacity.retry_if_exception(self.retry_on),
            sleep=self.sleep,
            before_sleep=_log_later_retry,
            reraise=True,
        )
        return await retrying(attempt)


def _log_later_retry(state: tenacity.RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome is not None else None
    _log_retry(exc, attempt=state.attempt_number + 1, backoff=state.upcoming_sleep)


def _log_retry(exc: BaseException | None, *, attempt: int, backoff: float) -> None:
    facts: dict[str, object] = {"attempt": attempt, "backoff_seconds": round(backoff, 3)}
    if isinstance(exc, OdooError):
        facts.update(model=exc.model, method=exc.method, protocol=exc.protocol, error_code=exc.code)
    _log.info("odoo_call_retrying", **facts)
