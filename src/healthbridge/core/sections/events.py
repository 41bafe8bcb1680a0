"""Settings of the events area."""

from __future__ import annotations

from healthbridge.core.sections.base import Section


class EventsSettings(Section):
    """The event backbone: NATS JetStream, streams, subscriptions, dead-letter."""
