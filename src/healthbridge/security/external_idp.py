"""An external identity provider's public keys: fetched with aiohttp, cached, refreshed.

The JWKS is fetched on first use, trusted for ``cache_seconds``, and fetched again early
when a token names a key it lacks (the IdP rotated) - but at most once per
``min_refresh_seconds``, so a flood of tokens with made-up ``kid`` values cannot turn
the gateway into a load generator against the IdP.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp
from joserfc.jwk import KeySet


class ExternalJwks:
    """The cached JWK Set at ``url``."""

    def __init__(
        self,
        url: str,
        *,
        cache_seconds: float = 300.0,
        min_refresh_seconds: float = 5.0,
        timeout_seconds: float = 5.0,
    ) -> None:
        self.url = url
        self._cache_seconds = cache_seconds
        self._min_refresh = min_refresh_seconds
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._keys: KeySet | None = None
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()
        self._session: aiohttp.ClientSession | None = None
        self.fetches = 0
        """How many times the JWKS was fetched (tests and metrics read it)."""

    async def key_set(self, *, refresh: bool = False) -> KeySet:
        """The IdP's keys; ``refresh`` asks for a fetch (rate-limited) past the cache."""
        async with self._lock:
            age = time.monotonic() - self._fetched_at
            stale = self._keys is None or age >= self._cache_seconds
            if stale or (refresh and age >= self._min_refresh):
                await self._fetch()
            assert self._keys is not None
            return self._keys

    async def _fetch(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        try:
            async with self._session.get(self.url) as response:
                response.raise_for_status()
                document = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            if self._keys is not None:
                return  # keep serving the keys we have; the IdP may be back soon
            raise OSError(f"JWKS fetch failed: {type(error).__name__}") from None
        self._keys = KeySet.import_key_set(document)
        self._fetched_at = time.monotonic()
        self.fetches += 1

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None
