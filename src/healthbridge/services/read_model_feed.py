"""Keeps the inventory read model fresh from the change log, behind a cursor of its own.

The read model answers availability without asking Odoo; this feed is what makes its
age small. It follows the same recorded changes the event relay publishes, with its own
position, so a slow Odoo re-read here never holds events back (and the reverse).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Protocol

import structlog

from healthbridge.canonical.changes import RecordedChange
from healthbridge.core.clock import Clock, SystemClock
from healthbridge.services.event_ports import ChangeFeedPort, RelayCursorPort

log = structlog.get_logger(__name__)

FEED_NAME = "inventory-read-model"


class ChangeApplier(Protocol):
    """Something that brings its own state up to date with a page of recorded changes."""

    async def apply_changes(self, changes: Sequence[RecordedChange]) -> int:
        """Apply ``changes``; how many records were refreshed."""
        ...


class ReadModelFeed:
    """Applies each page of recorded changes to the read model, then moves its cursor."""

    def __init__(
        self,
        changes: ChangeFeedPort,
        cursors: RelayCursorPort,
        target: ChangeApplier,
        *,
        name: str = FEED_NAME,
        page_size: int = 500,
        clock: Clock | None = None,
    ) -> None:
        self._changes = changes
        self._cursors = cursors
        self._target = target
        self._name = name
        self._page_size = page_size
        self._clock = clock or SystemClock()

    async def start_at_head(self) -> None:
        """Skip what is already recorded: a fresh read model was just rebuilt from Odoo."""
        position = await self._cursors.get(self._name)
        while page := await self._changes.since(position, limit=self._page_size):
            position = page[-1].id
        await self._cursors.save(self._name, position, self._clock.now())

    async def run_once(self) -> int:
        """Apply the next page; how many changes it held."""
        position = await self._cursors.get(self._name)
        page = await self._changes.since(position, limit=self._page_size)
        if not page:
            return 0
        refreshed = await self._target.apply_changes(page)
        await self._cursors.save(self._name, page[-1].id, self._clock.now())
        log.debug("read_model_refreshed", changes=len(page), products=refreshed)
        return len(page)

    async def run(self, stop: asyncio.Event, *, interval: float = 0.5) -> None:
        """Follow the change log until ``stop``; a failed round is retried, never fatal."""
        backoff = interval
        while not stop.is_set():
            try:
                applied = await self.run_once()
                backoff = interval
            except Exception as exc:  # Odoo down must not end the feed: retry with backoff
                log.warning("read_model_refresh_failed", error_type=type(exc).__name__)
                applied = 0
                backoff = min(backoff * 2, 30.0)
            if applied < self._page_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), backoff)
