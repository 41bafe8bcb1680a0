"""Errors of the observability area."""

from __future__ import annotations

from healthbridge.core.errors import UnavailableError


class AlertDeliveryError(UnavailableError):
    """The on-call or notification webhook did not accept an alert; it is retried next round."""

    code = "observability.alert_delivery_failed"
