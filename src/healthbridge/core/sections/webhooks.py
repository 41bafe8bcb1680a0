"""Settings of the webhooks area."""

from __future__ import annotations

from healthbridge.core.sections.base import Section


class WebhooksSettings(Section):
    """Outbound and inbound webhooks: signing, retries, breakers, the delivery log."""
