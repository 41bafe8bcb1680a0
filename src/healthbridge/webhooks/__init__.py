"""Signed outbound webhooks (Standard Webhooks) with durable retries, and inbound checks."""

from healthbridge.webhooks.delivery_log import DeliveryLog
from healthbridge.webhooks.dispatcher import Dispatcher
from healthbridge.webhooks.errors import (
    DeliveryNotFoundError,
    EndpointNotFoundError,
    InvalidEndpointError,
    WebhookVerificationError,
)
from healthbridge.webhooks.inbound import ReplayGuard, verify_inbound
from healthbridge.webhooks.intake import WebhookIntake
from healthbridge.webhooks.payloads import LINK_TEMPLATES, PayloadBuilder
from healthbridge.webhooks.registry import ORDERING_MODES, PAYLOAD_MODES, EndpointRegistry
from healthbridge.webhooks.retries import RetryPolicy, parse_retry_after
from healthbridge.webhooks.runtime import Webhooks, delivery_session, open_webhooks
from healthbridge.webhooks.signing import generate_secret, sign, signature_header
from healthbridge.webhooks.subscriptions import matches

__all__ = [
    "LINK_TEMPLATES",
    "ORDERING_MODES",
    "PAYLOAD_MODES",
    "DeliveryLog",
    "DeliveryNotFoundError",
    "Dispatcher",
    "EndpointNotFoundError",
    "EndpointRegistry",
    "InvalidEndpointError",
    "PayloadBuilder",
    "ReplayGuard",
    "RetryPolicy",
    "WebhookIntake",
    "WebhookVerificationError",
    "Webhooks",
    "delivery_session",
    "generate_secret",
    "matches",
    "open_webhooks",
    "parse_retry_after",
    "sign",
    "signature_header",
    "verify_inbound",
]
