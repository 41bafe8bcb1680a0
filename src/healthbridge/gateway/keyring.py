"""Keeps this process's key ring in step with the shared store, and rotates it.

At start the ring is loaded; if there is no current key, or the current one is older
than ``key_rotation_days``, a new key is stored as current and the old ones retire after
``key_overlap_seconds``. The ring is re-read every ``key_refresh_seconds``, and at once
(at most once a second) when a token names a key this process has not seen - the sign
that another process rotated.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from healthbridge.security.keys import KeyRing, SigningKey, generate_key
from healthbridge.store.signing_keys import SigningKeyStore

_MIN_REFRESH_SECONDS = 1.0


class KeyRingKeeper:
    """Loads, refreshes and rotates ``ring`` from ``store``."""

    def __init__(
        self,
        ring: KeyRing,
        store: SigningKeyStore,
        *,
        rotation_age: timedelta,
        overlap: timedelta,
    ) -> None:
        self.ring = ring
        self._store = store
        self._rotation_age = rotation_age
        self._overlap = overlap
        self._refreshed_at = float("-inf")
        self._lock = asyncio.Lock()

    async def refresh(self) -> None:
        """Re-read every key from the store."""
        async with self._lock:
            self.ring.replace(await self._store.load())
            self._refreshed_at = time.monotonic()

    async def refresh_soon(self) -> None:
        """Re-read the store unless that was done within the last second."""
        if time.monotonic() - self._refreshed_at >= _MIN_REFRESH_SECONDS:
            await self.refresh()

    async def ensure_current(self, now: datetime | None = None) -> SigningKey:
        """The current key, after rotating if there is none or it is too old."""
        moment = now or datetime.now(UTC)
        await self.refresh()
        current = self.ring.current()
        if current is None or moment - current.created_at >= self._rotation_age:
            # Checked again inside the store's transaction: another process starting at
            # the same moment may have just made one, and then its key is the current one.
            key = generate_key(moment)
            await self._store.add_current_unless_fresh(
                key,
                retire_others_at=moment + self._overlap,
                fresh_after=moment - self._rotation_age,
            )
            await self.refresh()
            current = self.ring.current()
            assert current is not None  # one was just stored, by this process or another
        return current

    async def rotate(self, now: datetime | None = None) -> SigningKey:
        """Make a new key current; the others verify for the overlap, then retire."""
        moment = now or datetime.now(UTC)
        key = generate_key(moment)
        await self._store.add_current(key, retire_others_at=moment + self._overlap)
        await self.refresh()
        return key
