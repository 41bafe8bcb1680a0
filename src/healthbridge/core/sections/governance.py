"""Settings of the governance area."""

from __future__ import annotations

from healthbridge.core.sections.base import Section


class GovernanceSettings(Section):
    """Governance as code: the catalog folder, policies, approvals."""
