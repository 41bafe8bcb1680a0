"""Every Odoo call passes here: the retry policy, the circuit breaker, then the hook.

The breaker wraps each attempt, not the whole retried call, so every failed attempt
counts and a breaker that opens mid-retry stops the retries (``CircuitOpenError`` is
not transient).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog

from healthbridge.connectors.odoo.errors import CallSite
from healthbridge.connectors.odoo.hooks import CallHook, CallReport
from healthbridge.connectors.odoo.retrying import RetryPolicy
from healthbridge.core.errors import HealthbridgeError
from healthbridge.resilience.breaker import CircuitBreaker

T = TypeVar("T")

_log = structlog.get_logger(__name__)


class CallGuard:
    """Runs calls to one Odoo instance under its breaker and retry policy, and reports them."""

    def __init__(
        self, breaker: CircuitBreaker, policy: RetryPolicy, hook: CallHook | None = None
    ) -> None:
        self.breaker = breaker
        self.policy = policy
        self.hook = hook

    async def run(self, site: CallSite, operation: Callable[[], Awaitable[T]], *, retry: bool) -> T:
        """Await ``operation`` (retried only when ``retry``), reporting the call to the hook."""
        attempts = 0
        started_ns = time.time_ns()
        started = time.perf_counter()

        async def attempt() -> T:
            nonlocal attempts
            attempts += 1
            return await self.breaker.call(operation)

        try:
            result = await (self.policy.run(attempt) if retry else attempt())
        except BaseException as exc:
            self._report(site, started, started_ns, attempts, _error_code(exc))
            raise
        self._report(site, started, started_ns, attempts, None)
        return result

    def _report(
        self, site: CallSite, started: float, started_ns: int, attempts: int, code: str | None
    ) -> None:
        if self.hook is None:
            return
        report = CallReport(
            model=site.model,
            method=site.method,
            protocol=site.protocol,
            outcome="ok" if code is None else "error",
            error_code=code,
            duration_seconds=time.perf_counter() - started,
            started_at_ns=started_ns,
            attempts=attempts,
        )
        try:
            self.hook(report)
        except Exception as exc:
            # The call itself is over (a write may have been applied): a failing metrics
            # hook must not turn its result into an error the caller might retry.
            _log.warning(
                "odoo_call_hook_failed",
                model=site.model,
                method=site.method,
                error_type=type(exc).__name__,
            )


def _error_code(exc: BaseException) -> str:
    if isinstance(exc, HealthbridgeError):
        return exc.code
    if isinstance(exc, Exception):
        return f"unexpected.{type(exc).__name__}"
    return "cancelled"
