"""Resilience primitives shared by every adapter: circuit breakers (and, later, backoff)."""

from healthbridge.resilience.breaker import (
    BreakerState,
    CircuitBreaker,
    CircuitOpenError,
    StateListener,
)

__all__ = ["BreakerState", "CircuitBreaker", "CircuitOpenError", "StateListener"]
