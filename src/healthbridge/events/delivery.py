"""One event as a handler receives it: typed, projected to the subscriber's data classes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from healthbridge.canonical.events import CanonicalEvent
from healthbridge.events.outcomes import Outcome


@dataclass(frozen=True, slots=True)
class ReceivedEvent:
    """An event delivered to one subscription.

    ``event`` is the canonical model, validated before the handler runs; ``cloudevent``
    is the same event as a CloudEvents structured-mode dict (``specversion``, ``id``,
    ``source``, ``type``, ``subject``, ``time``, ``datacontenttype``, ``data``,
    ``traceparent``). Fields above the subscriber's data class are absent from both;
    phi fields it may see arrive opened. ``delivery`` counts from 1.
    """

    event: CanonicalEvent
    cloudevent: dict[str, Any]
    subscription: str
    stream: str
    stream_seq: int
    delivery: int
    redriven: bool = False

    @property
    def id(self) -> str:
        """The CloudEvent id: the dedupe key, the same on every delivery and re-drive."""
        return str(self.cloudevent["id"])

    @property
    def type(self) -> str:
        """The CloudEvent type."""
        return str(self.cloudevent["type"])


Handler = Callable[[ReceivedEvent], Awaitable[Outcome]]
"""Handles one event and says what became of it."""

BatchHandler = Callable[[Sequence[ReceivedEvent]], Awaitable[Sequence[Outcome]]]
"""Handles a batch and returns one outcome per event, in order."""
