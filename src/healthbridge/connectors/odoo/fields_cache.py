"""A time-bounded cache of ``fields_get`` answers.

Field definitions change only when a module is installed or upgraded, yet mappings and
validators ask for them on every sync; caching them for ``odoo.fields_cache_seconds``
saves a round trip that returns tens of kilobytes.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from healthbridge.core.clock import Clock

FieldsKey = tuple[str, tuple[str, ...] | None, tuple[str, ...] | None, str]
"""(model, allfields, attributes, context as canonical JSON)."""


class FieldsCache:
    """``fields_get`` answers by model, field list, attributes and context, for ``ttl_seconds``."""

    def __init__(self, ttl_seconds: float, clock: Clock) -> None:
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._entries: dict[FieldsKey, tuple[float, dict[str, dict[str, Any]]]] = {}

    @staticmethod
    def key(
        model: str,
        allfields: Sequence[str] | None,
        attributes: Sequence[str] | None,
        context_json: str,
    ) -> FieldsKey:
        """The cache key; field and attribute order does not matter to Odoo, so it is sorted."""
        return (
            model,
            tuple(sorted(allfields)) if allfields is not None else None,
            tuple(sorted(attributes)) if attributes is not None else None,
            context_json,
        )

    def get(self, key: FieldsKey) -> dict[str, dict[str, Any]] | None:
        """A private copy of the cached answer, or None when absent or expired."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, value = entry
        if self._clock.monotonic() >= expires_at:
            del self._entries[key]
            return None
        return copy.deepcopy(value)

    def put(self, key: FieldsKey, value: dict[str, dict[str, Any]]) -> None:
        """Remember ``value`` (a copy, so the caller may change theirs) unless caching is off."""
        if self.ttl_seconds > 0:
            self._entries[key] = (self._clock.monotonic() + self.ttl_seconds, copy.deepcopy(value))

    def clear(self, model: str | None = None) -> None:
        """Forget every entry, or those of one model (after installing a module, say)."""
        if model is None:
            self._entries.clear()
        else:
            for key in [key for key in self._entries if key[0] == model]:
                del self._entries[key]
