"""SLI samples: good and total events per integration, SLO and minute, counted in memory.

Writing a row per request would put the store on every hot path. The ``SliRecorder``
adds to an in-memory minute bucket instead (a dict update, no lock: asyncio runs it on
one thread), and a periodic flush hands the buckets to the store, which adds them to the
minute's row. Burn rates over 5 minutes to 6 hours then read a few hundred rows at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from healthbridge.core.clock import Clock, SystemClock


@dataclass(frozen=True, slots=True)
class SliSample:
    """Good and total events of one SLO of one integration in one minute."""

    integration: str
    slo: str
    minute: datetime
    """The minute's start, UTC, seconds and microseconds zero."""
    good: int
    total: int


def minute_of(moment: datetime) -> datetime:
    """The start of the minute ``moment`` falls in."""
    return moment.replace(second=0, microsecond=0)


class SliRecorder:
    """Counts events into minute buckets until ``drain`` takes them."""

    __slots__ = ("_buckets", "_clock")

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._buckets: dict[tuple[str, str, datetime], list[int]] = {}

    def record(self, integration: str, slo: str, good: bool, *, at: datetime | None = None) -> None:
        """One event: ``good`` when it met the objective (no 5xx, under the latency bound)."""
        key = (integration, slo, minute_of(at or self._clock.now()))
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = [0, 0]
        if good:
            bucket[0] += 1
        bucket[1] += 1

    def drain(self) -> list[SliSample]:
        """Everything counted since the last drain; the recorder starts empty again."""
        buckets, self._buckets = self._buckets, {}
        return [
            SliSample(integration, slo, minute, good, total)
            for (integration, slo, minute), (good, total) in buckets.items()
        ]

    def restore(self, samples: list[SliSample]) -> None:
        """Put back samples a failed flush could not store, so the next flush retries them."""
        for sample in samples:
            key = (sample.integration, sample.slo, sample.minute)
            bucket = self._buckets.setdefault(key, [0, 0])
            bucket[0] += sample.good
            bucket[1] += sample.total


ONE_MINUTE = timedelta(minutes=1)
