"""Settings of the gateway area."""

from __future__ import annotations

from healthbridge.core.sections.base import Section


class GatewaySettings(Section):
    """The gateway: tokens, external identity providers, quotas, idempotency, versions."""
