"""Settings sections, one module per area, gathered by ``core.settings.Settings``."""

from healthbridge.core.sections.base import Section
from healthbridge.core.sections.events import EventsSettings
from healthbridge.core.sections.gateway import GatewaySettings
from healthbridge.core.sections.governance import GovernanceSettings
from healthbridge.core.sections.observability import ObservabilitySettings
from healthbridge.core.sections.webhooks import WebhooksSettings
from healthbridge.core.sections.workflows import WorkflowsSettings

__all__ = [
    "EventsSettings",
    "GatewaySettings",
    "GovernanceSettings",
    "ObservabilitySettings",
    "Section",
    "WebhooksSettings",
    "WorkflowsSettings",
]
