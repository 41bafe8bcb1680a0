"""Where events live: one stream per domain, one subject per event type.

Subjects are ``<prefix>.<domain>.<noun>.<verb>.v<major>`` (the CloudEvents type without
``org.healthbridge.``), so a stream holds ``<prefix>.<domain>.>`` and a consumer can
filter one type with a literal subject. A dead-lettered event re-driven to one
subscription goes to ``<prefix>.<domain>.redrive.<subscription>.<type token>``: inside
the same stream (so the subscription's consumer sees it) but under a subject no other
subscription asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nats.js import api

from healthbridge.canonical.events import TYPE_PREFIX, CanonicalEvent, event_model
from healthbridge.core.sections.events import EventsSettings
from healthbridge.events.errors import SubscriptionRefusedError, UnknownEventTypeError

REDRIVE_SEGMENT = "redrive"
SUBSCRIPTION_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def type_token(event_type: str) -> str:
    """``org.healthbridge.stock.level-changed.v1`` -> ``stock.level-changed.v1``."""
    if not event_type.startswith(TYPE_PREFIX):
        raise UnknownEventTypeError(
            f"event types start with {TYPE_PREFIX}", details={"type": event_type[:120]}
        )
    return event_type[len(TYPE_PREFIX) :]


@dataclass(frozen=True, slots=True)
class Topology:
    """Stream names and subjects for one hub (prefixes differ per hub, or per test)."""

    subject_prefix: str = "hb"
    stream_prefix: str = "HB"

    @classmethod
    def from_settings(cls, settings: EventsSettings) -> Topology:
        """The topology that ``settings`` names."""
        return cls(settings.subject_prefix, settings.stream_prefix)

    def stream(self, domain: str) -> str:
        """The stream of ``domain``: ``HB_INVENTORY``."""
        return f"{self.stream_prefix}_{domain.upper()}"

    def stream_subjects(self, domain: str) -> list[str]:
        """What the stream of ``domain`` captures."""
        return [f"{self.subject_prefix}.{domain}.>"]

    def subject(self, event_type: str) -> str:
        """Where events of ``event_type`` are published."""
        model = event_model_or_error(event_type)
        return f"{self.subject_prefix}.{model.domain}.{type_token(event_type)}"

    def redrive_subject(self, event_type: str, subscription: str) -> str:
        """Where a dead-lettered event is re-published for ``subscription`` alone."""
        model = event_model_or_error(event_type)
        return (
            f"{self.subject_prefix}.{model.domain}.{REDRIVE_SEGMENT}.{subscription}."
            f"{type_token(event_type)}"
        )

    def redrive_filter(self, domain: str, subscription: str) -> str:
        """The subject filter of every re-drive to ``subscription`` in ``domain``."""
        return f"{self.subject_prefix}.{domain}.{REDRIVE_SEGMENT}.{subscription}.>"

    def stream_config(self, domain: str, settings: EventsSettings) -> api.StreamConfig:
        """The stream of ``domain`` with the retention and durability ``settings`` give it."""
        retention = settings.stream_settings(domain)
        return api.StreamConfig(
            name=self.stream(domain),
            subjects=self.stream_subjects(domain),
            retention=api.RetentionPolicy.LIMITS,
            max_age=retention.max_age_seconds,
            max_msgs=retention.max_msgs,
            max_bytes=retention.max_bytes,
            num_replicas=retention.replicas,
            storage=api.StorageType.FILE if retention.storage == "file" else api.StorageType.MEMORY,
            duplicate_window=settings.duplicate_window_seconds,
            discard=api.DiscardPolicy.OLD,
        )


def event_model_or_error(event_type: str) -> type[CanonicalEvent]:
    """The model of ``event_type``, or ``UnknownEventTypeError`` naming it."""
    try:
        return event_model(event_type)
    except KeyError:
        raise UnknownEventTypeError(
            "no canonical event has this type", details={"type": event_type[:120]}
        ) from None


def check_subscription_name(name: str) -> str:
    """``name`` when it can be a durable consumer name and a subject token."""
    if not SUBSCRIPTION_NAME.match(name):
        raise SubscriptionRefusedError(
            "a subscription name is 1-64 lower-case letters, digits, '_' or '-'",
            details={"name": name[:64]},
        )
    return name
