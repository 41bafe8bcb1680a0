"""When to try a failed delivery again: a provider-like schedule with full jitter.

Retry ``n`` waits a random time between zero and the ``n``-th delay of the schedule (full
jitter, so a receiver coming back up is not hit by every delivery at the same instant).
A ``Retry-After`` from a 429 or 503 is a floor on the wait, capped so that a receiver
cannot park deliveries forever.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


class RetryPolicy:
    """The retry schedule of every delivery; ``None`` from ``delay`` means give up."""

    def __init__(
        self,
        schedule: Sequence[float],
        *,
        max_retry_after: float = 36000.0,
        rng: random.Random | None = None,
    ) -> None:
        self.schedule = tuple(schedule)
        self.max_retry_after = max_retry_after
        self._rng = rng or random.SystemRandom()

    def delay(self, retries_done: int, retry_after: float | None = None) -> float | None:
        """Seconds before retry number ``retries_done + 1``, or None when exhausted."""
        if retries_done >= len(self.schedule):
            return None
        wait = self._rng.uniform(0.0, self.schedule[retries_done])
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_retry_after))
        return wait


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())
