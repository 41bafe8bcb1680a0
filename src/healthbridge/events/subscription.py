"""A subscription: a named consumer of some event types, granted some scopes.

A subscription has one durable pull consumer (named like it) on the stream of each
domain its types belong to. On servers from 2.10 the consumer filters exactly the
subscription's subjects and its re-drive subject; on older servers (one filter per
consumer) it filters the domain and the worker acknowledges what is not for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from healthbridge.canonical.classification import DataClass
from healthbridge.events.access import check_subscription, data_ceiling
from healthbridge.events.topology import Topology, check_subscription_name, event_model_or_error

StartPosition = Literal["new", "all"]


@dataclass(frozen=True, slots=True)
class Subscription:
    """Who subscribes (``name``), to what, with which scopes, and how hard to retry."""

    name: str
    event_types: tuple[str, ...]
    scopes: frozenset[str]
    max_deliveries: int
    start: StartPosition = "new"

    @classmethod
    def checked(
        cls,
        name: str,
        event_types: Iterable[str],
        scopes: Iterable[str],
        *,
        max_deliveries: int,
        start: StartPosition = "new",
    ) -> Subscription:
        """A subscription its scopes permit; ``SubscriptionRefusedError`` otherwise."""
        check_subscription_name(name)
        types = tuple(sorted(set(event_types)))
        granted = frozenset(scopes)
        check_subscription(name, types, granted)
        return cls(name, types, granted, max_deliveries, start)

    @property
    def ceiling(self) -> DataClass:
        """The most sensitive data class this subscription receives."""
        return data_ceiling(self.scopes)

    def domains(self) -> tuple[str, ...]:
        """The domains (streams) its event types belong to."""
        return tuple(sorted({event_model_or_error(t).domain for t in self.event_types}))

    def filters(self, topology: Topology, domain: str) -> list[str]:
        """The exact subjects its consumer on ``domain``'s stream should deliver."""
        subjects = [
            topology.subject(event_type)
            for event_type in self.event_types
            if event_model_or_error(event_type).domain == domain
        ]
        return [*subjects, topology.redrive_filter(domain, self.name)]

    def wants(self, event_type: str, nats_subject: str, topology: Topology) -> bool:
        """Whether a message on ``nats_subject`` of ``event_type`` is for this subscription."""
        if event_type not in self.event_types:
            return False
        model = event_model_or_error(event_type)
        return (
            nats_subject
            in (
                topology.subject(event_type),
                topology.redrive_subject(event_type, self.name),
            )
            and model.domain in self.domains()
        )
