"""The ports the change relay (and any use case that emits events) depends on.

Adapters: ``healthbridge.events.EventBus`` publishes; ``store.ChangeLog`` is the change
feed; ``store.event_cursors.RelayCursors`` keeps the relay's position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from healthbridge.canonical.changes import RecordedChange
from healthbridge.canonical.events import CanonicalEvent


@dataclass(frozen=True, slots=True)
class OutgoingEvent:
    """An event to publish; ``source_key`` names the source change it derives from."""

    event: CanonicalEvent
    source_key: str | None = None
    traceparent: str | None = None


class EventPublisherPort(Protocol):
    """Publishes events durably: returns only when every one is acknowledged, else raises."""

    async def publish_all(self, items: Sequence[OutgoingEvent]) -> Sequence[object]:
        """Publish every item; duplicates of an already stored source change are dropped."""
        ...


class ChangeFeedPort(Protocol):
    """The recorded Odoo changes, in the order they were recorded."""

    async def since(
        self, after_id: int = 0, *, limit: int = 100, model: str | None = None
    ) -> list[RecordedChange]:
        """Changes recorded after row ``after_id``, oldest first."""
        ...


class RelayCursorPort(Protocol):
    """Where a relay keeps how far it has published."""

    async def get(self, name: str) -> int:
        """The last change id relay ``name`` published (0 when it never ran)."""
        ...

    async def save(self, name: str, position: int, at: datetime) -> None:
        """Move relay ``name``'s cursor to ``position``."""
        ...
