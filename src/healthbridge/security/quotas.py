"""Per-client quotas with the ``limits`` package, and the IETF RateLimit header values.

The strategy is the sliding window counter: O(1) storage per client (two counters),
no double burst at a window edge as a fixed window allows, and far cheaper than the
moving window log (a list of timestamps per client, one Redis list entry per request).
Its count is an approximation weighted by the previous window; for a quota that is the
right trade. With ``RedisStorage`` every gateway process shares the budget: each request
is counted in Redis and its window read back for the headers. With ``MemoryStorage`` the
budget is per process anyway, so the same window arithmetic runs on a plain per-client
record (``LocalWindows``): one dictionary lookup per request instead of two rounds
through the storage layer, with the same decisions and header values.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, Storage
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
        key = (self.policy, self.limit, self.window_seconds)
        policy = _POLICY_HEADERS.get(key)
        if policy is None:  # the same few values for every request: built once each
            if len(_POLICY_HEADERS) >= 1024:
                _POLICY_HEADERS.clear()
            policy = _POLICY_HEADERS[key] = (
                b"ratelimit-policy",
                f'"{self.policy}";q={self.limit};w={self.window_seconds}'.encode(),
            )
        state = f'"{self.policy}";r={self.remaining};t={self.reset_seconds}'
        return [policy, (b"ratelimit", state.encode())]


_POLICY_HEADERS: dict[tuple[str, int, int], tuple[bytes, bytes]] = {}


@dataclass(slots=True)
class _Window:
    index: int
    """Which fixed window (``floor(now / expiry)``) ``current`` counts."""
    current: int = 0
    previous: int = 0


@dataclass(frozen=True, slots=True)
class WindowHit:
    """What one hit on a sliding window counter decided and left."""

    allowed: bool
    remaining: int
    reset_in: float
    """Seconds until the weighted count next drops (0 when the window is empty)."""


class LocalWindows:
    """Sliding window counters in this process, one small record per key.

    The arithmetic is that of ``limits``' sliding window counter: the count is the
    current fixed window's plus the previous one's weighted by how much of it the
    sliding window still covers; a hit is allowed while that count (floored) stays
    within the limit, and the reset is when the weighted count next drops. Pure: the
    caller passes the time.
    """

    def __init__(self, max_keys: int = 100_000) -> None:
        self._windows: dict[str, _Window] = {}
        self._max_keys = max_keys

    def hit(self, key: str, limit: int, expiry: int, now: float) -> WindowHit:
        """Count one request on ``key`` (``limit`` per ``expiry`` seconds) at ``now``."""
        position = now / expiry
        index = int(position)
        window = self._windows.get(key)
        if window is None:
            if len(self._windows) >= self._max_keys:
                self._forget_before(index - 1)
            window = self._windows[key] = _Window(index)
        elif window.index != index:
            window.previous = window.current if window.index == index - 1 else 0
            window.current = 0
            window.index = index
        # The share of the previous fixed window that the sliding window still covers.
        left = 1 - position % 1
        allowed = math.floor(window.previous * left + window.current) + 1 <= limit
        if allowed:
            window.current += 1
        remaining = max(0, limit - math.floor(window.previous * left + window.current))
        return WindowHit(allowed, remaining, self._reset_in(window, left, expiry))

    @staticmethod
    def _reset_in(window: _Window, left: float, expiry: int) -> float:
        if not (window.previous or window.current):
            return 0.0
        previous_reset = current_reset = math.inf
        if window.previous:
            previous_reset = (left * expiry) % (expiry / window.previous)
        if window.current:
            current_reset = (left * expiry + expiry) % expiry
        return min(previous_reset, current_reset)

    def _forget_before(self, index: int) -> None:
        """Drop keys idle for two windows or more: they count nothing any more."""
        for key in [k for k, w in self._windows.items() if w.index < index]:
            del self._windows[key]


class Quotas:
    """Counts requests per client against the default limit or the client's override."""

    def __init__(
        self, storage: Storage, default: str, overrides: Mapping[str, str] | None = None
    ) -> None:
        self._limiter = SlidingWindowCounterRateLimiter(storage)
        self._default = parse(default)
        self._overrides = {client: parse(limit) for client, limit in (overrides or {}).items()}
        self.storage = storage
        self._local = LocalWindows() if isinstance(storage, MemoryStorage) else None

    def limit_for(self, client_id: str) -> tuple[str, RateLimitItem]:
        """The policy name and limit that apply to ``client_id``."""
        override = self._overrides.get(client_id)
        return ("client", override) if override is not None else ("default", self._default)

    async def consume(self, client_id: str) -> QuotaDecision:
        """Count one request of ``client_id``; ``allowed`` False when over its quota."""
        policy, item = self.limit_for(client_id)
        if self._local is not None:
            expiry = item.get_expiry()
            hit = self._local.hit(client_id, item.amount, expiry, time.time())
            return QuotaDecision(
                allowed=hit.allowed,
                policy=policy,
                limit=item.amount,
                window_seconds=expiry,
                remaining=hit.remaining,
                reset_seconds=max(1, math.ceil(hit.reset_in)),
            )
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
