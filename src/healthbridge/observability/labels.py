"""Bounded label values: a metric's cardinality cannot grow with what callers send.

Every distinct label value is a time series held in memory here and in Prometheus. Raw
paths, client ids from tokens or model names from a misbehaving peer could each create
thousands. A ``BoundedLabel`` admits the first ``limit`` distinct values it sees and
folds every later one into ``other``, so the worst case is known in advance.
"""

from __future__ import annotations

from typing import Final

OTHER: Final = "other"
"""The value every label beyond its bound is folded into."""

_MAX_LENGTH: Final = 120


class BoundedLabel:
    """Admits at most ``limit`` distinct values; later newcomers become ``other``.

    No lock: a race between two first sightings can admit one or two values beyond the
    limit, which is harmless, while a lock would be taken on every recorded call.
    """

    __slots__ = ("_limit", "_seen")

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a label bound must admit at least one value")
        self._limit = limit
        self._seen: set[str] = set()

    def __call__(self, value: str) -> str:
        """``value`` itself while it fits the bound, else ``other``."""
        if value in self._seen:
            return value
        if len(self._seen) >= self._limit or not value or len(value) > _MAX_LENGTH:
            return OTHER
        self._seen.add(value)
        return value

    @property
    def admitted(self) -> int:
        """How many distinct values have been admitted so far."""
        return len(self._seen)
