"""Settings of the observability area."""

from __future__ import annotations

from healthbridge.core.sections.base import Section


class ObservabilitySettings(Section):
    """Tracing, metrics and SLO alerting."""
