"""Settings of the governance area: where the catalog and contracts live, who is admin.

Every default runs with no services: the catalog is the ``./catalog`` folder (written
by ``healthbridge catalog init``), contracts are the committed ``./contracts`` folder.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from healthbridge.core.sections.base import Section


class GovernanceSettings(Section):
    """Governance as code: the catalog folder, policies, approvals."""

    catalog_dir: Path = Field(
        Path("catalog"), description="The catalog folder of YAML manifests (default ./catalog)."
    )
    contracts_dir: Path = Field(
        Path("contracts"),
        description="The committed contract files plan compares versions with.",
    )
    odoo_admin_logins: tuple[str, ...] = Field(
        ("admin", "__system__"),
        description="Odoo logins that are administrators: no integration may use them.",
    )
    hub_odoo_logins: tuple[str, ...] = Field(
        ("hub-integration",),
        description="Odoo logins the hub itself uses; any other API key is sprawl.",
    )
    machine_login_patterns: tuple[str, ...] = Field(
        ("*integration*", "*api*", "*-reader", "*bot*", "svc-*"),
        description="Glob patterns of machine logins, used by the sprawl check when Odoo "
        "does not expose res.users.apikeys.",
    )
    deprecation_horizon_days: int = Field(
        180, ge=1, description="The portfolio lists deprecations whose sunset is this close."
    )
