"""Settings of the workflows area."""

from __future__ import annotations

from healthbridge.core.sections.base import Section


class WorkflowsSettings(Section):
    """Durable workflows and batch sync (DBOS), human tasks."""
