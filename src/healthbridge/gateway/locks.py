"""Locks for idempotency keys: in process always, in Redis when several processes share keys.

In process, requests with one key queue on an ``asyncio.Lock`` (created on demand, removed
when its last holder leaves). Across processes, ``RedisKeyLock`` takes ``SET key token NX
PX ttl`` and releases with a compare-and-delete script, so a lock that expired and was
taken by another process is never released by its former holder.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class KeyedLocks:
    """One ``asyncio.Lock`` per key, alive while someone holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Hold the lock of ``key`` for the block."""
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class RedisKeyLock:
    """A lock per key in Redis, held at most ``ttl_seconds`` (a crashed holder frees it)."""

    def __init__(
        self, redis: Redis, *, prefix: str = "hb:idem:", ttl_seconds: float = 60.0
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._ttl_ms = int(ttl_seconds * 1000)

    @asynccontextmanager
    async def hold(self, key: str, *, wait_seconds: float) -> AsyncIterator[bool]:
        """Try to take ``key`` for up to ``wait_seconds``; yields whether it was taken."""
        name = self._prefix + key
        token = secrets.token_hex(16)
        deadline = time.monotonic() + wait_seconds
        delay = 0.005
        taken = False
        while True:
            if await self._redis.set(name, token, nx=True, px=self._ttl_ms):
                taken = True
                break
            if time.monotonic() >= deadline:
                break
            await asyncio.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, 0.1)
        try:
            yield taken
        finally:
            if taken:
                await self._redis.eval(_RELEASE, 1, name, token)
