"""Errors of the event backbone, each with a stable code and a message free of PHI."""

from __future__ import annotations

from healthbridge.core.errors import (
    ConfigError,
    InvalidRequestError,
    NotFoundError,
    UnavailableError,
)


class EventServerError(ConfigError):
    """The embedded nats-server could not be found or started; the message says what to do."""

    code = "events.server"


class EventBusUnavailableError(UnavailableError):
    """The JetStream server (embedded or external) cannot be reached or is not answering."""

    code = "events.unavailable"


class PublishError(UnavailableError):
    """An event was not acknowledged by JetStream: it is not stored and must be retried."""

    code = "events.publish_failed"


class UnknownEventTypeError(InvalidRequestError):
    """A CloudEvents type, or a message, names no canonical event."""

    code = "events.unknown_type"


class SubscriptionRefusedError(InvalidRequestError):
    """A subscription asked for event types or data classes its scopes do not permit."""

    code = "events.subscription_refused"


class UnknownSubscriptionError(NotFoundError):
    """No subscription has that name."""

    code = "events.unknown_subscription"


class UnknownDeadLetterError(NotFoundError):
    """No dead-letter record has that id."""

    code = "events.unknown_dead_letter"


class InvalidReplayError(InvalidRequestError):
    """A replay request names no start, two starts, or an ambiguous stream."""

    code = "events.invalid_replay"
