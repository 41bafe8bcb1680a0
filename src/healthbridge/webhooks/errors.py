"""Errors of the webhooks area, each with a stable code and a message free of secrets."""

from __future__ import annotations

from healthbridge.core.errors import InvalidRequestError, NotFoundError


class WebhookVerificationError(InvalidRequestError):
    """An inbound webhook is not signed by a known secret, too old, or replayed."""

    code = "webhooks.verification_failed"


class InvalidEndpointError(InvalidRequestError):
    """An endpoint definition cannot be accepted as it is; the message says what to change."""

    code = "webhooks.invalid_endpoint"


class EndpointNotFoundError(NotFoundError):
    """No webhook endpoint has the id given."""

    code = "webhooks.unknown_endpoint"


class DeliveryNotFoundError(NotFoundError):
    """No webhook delivery has the id given."""

    code = "webhooks.unknown_delivery"
