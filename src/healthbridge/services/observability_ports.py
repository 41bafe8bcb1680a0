"""The ports the SLO and business-trace use cases read their history through.

Implemented in ``store.sli_samples``, ``store.business_events`` and
``store.alert_tickets``; the tests use the same adapters on SQLite.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from healthbridge.observability.correlation import BusinessEventSink
from healthbridge.observability.sli import SliSample
from healthbridge.observability.slo import Counts


class SliSamplesPort(Protocol):
    """Good/total counts per integration, SLO and minute."""

    async def add(self, samples: Sequence[SliSample]) -> None:
        """Add each sample's counts to its minute."""
        ...

    async def counts(
        self, integration: str, slo: str, now: datetime, windows: Sequence[timedelta]
    ) -> Mapping[timedelta, Counts]:
        """Counts over each window ending at ``now``."""
        ...

    async def objectives(self, since: datetime) -> Sequence[tuple[str, str]]:
        """The (integration, slo) pairs with samples since ``since``."""
        ...

    async def prune(self, before: datetime) -> int:
        """Delete samples older than ``before``."""
        ...


class BusinessEventView(Protocol):
    """One recorded step of a business transaction (read-only view)."""

    @property
    def business_key(self) -> str: ...
    @property
    def step(self) -> str: ...
    @property
    def system(self) -> str: ...
    @property
    def record_ref(self) -> str: ...
    @property
    def occurred_at(self) -> datetime: ...
    @property
    def trace_id(self) -> str | None: ...


class BusinessEventsPort(BusinessEventSink, Protocol):
    """The correlation records: written by every area, read back as a timeline."""

    async def timeline(self, business_key: str) -> Sequence[BusinessEventView]:
        """Every step of ``business_key``, oldest first."""
        ...

    async def recent_keys(self, limit: int = 20) -> Sequence[str]:
        """Business keys with the latest activity, newest first."""
        ...
