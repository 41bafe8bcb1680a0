"""Per-client quotas with the ``limits`` package, and the IETF RateLimit header values.

The strategy is the sliding window counter: O(1) storage per client (two counters),
no double burst at a window edge as a fixed window allows, and far cheaper than the
moving window log (a list of timestamps per client, one Redis list entry per request).
Its count is an approximation weighted by the previous window; for a quota that is the
right trade. With ``MemoryStorage`` the budget is per process; with ``RedisStorage``
every gateway process shares it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter


@dataclass(frozen=True, slots=True)
class QuotaDecision:
    """The outcome of one request against its client's quota."""

    allowed: bool
    policy: str
    limit: int
    window_seconds: int
    remaining: int
    reset_seconds: int

    def headers(self) -> list[tuple[bytes, bytes]]:
        """``RateLimit-Policy`` and ``RateLimit`` (draft-ietf-httpapi-ratelimit-headers)."""
        policy = f'"{self.policy}";q={self.limit};w={self.window_seconds}'
        state = f'"{self.policy}";r={self.remaining};t={self.reset_seconds}'
        return [(b"ratelimit-policy", policy.encode()), (b"ratelimit", state.encode())]


class Quotas:
    """Counts requests per client against the default limit or the client's override."""

    def __init__(
        self, storage: Storage, default: str, overrides: Mapping[str, str] | None = None
    ) -> None:
        self._limiter = SlidingWindowCounterRateLimiter(storage)
        self._default = parse(default)
        self._overrides = {client: parse(limit) for client, limit in (overrides or {}).items()}
        self.storage = storage

    def limit_for(self, client_id: str) -> tuple[str, RateLimitItem]:
        """The policy name and limit that apply to ``client_id``."""
        override = self._overrides.get(client_id)
        return ("client", override) if override is not None else ("default", self._default)

    async def consume(self, client_id: str) -> QuotaDecision:
        """Count one request of ``client_id``; ``allowed`` False when over its quota."""
        policy, item = self.limit_for(client_id)
        allowed = await self._limiter.hit(item, "quota", client_id)
        stats = await self._limiter.get_window_stats(item, "quota", client_id)
        reset = max(1, math.ceil(stats.reset_time - time.time()))
        return QuotaDecision(
            allowed=allowed,
            policy=policy,
            limit=item.amount,
            window_seconds=item.get_expiry(),
            remaining=max(0, stats.remaining),
            reset_seconds=reset,
        )
