"""Governance: contracts under change control, the integration catalog, policies, plans.

Contracts are JSON Schema 2020-12 documents generated from the canonical models and
kept in ``contracts/``; :func:`classify` says whether a new version breaks, adds to or
merely documents the old one, with every reason. The integration catalog (YAML
manifests, :mod:`healthbridge.governance.catalog`) is checked by CEL policies
(:mod:`healthbridge.governance.policy`), compared with what the hub runs by
:func:`make_plan`, and rendered by :mod:`healthbridge.governance.report`.
"""

from healthbridge.governance.applied import AppliedResource, AppliedRevision, Approval
from healthbridge.governance.compatibility import classify
from healthbridge.governance.contract_files import (
    REGENERATE_COMMAND,
    ContractFile,
    ContractState,
    ContractStatus,
    contract_path,
    contract_status,
    contract_text,
    find_contract,
    history_problems,
    list_contracts,
    load_contract,
    read_contract,
    write_contract,
    write_contracts,
)
from healthbridge.governance.contracts import (
    DATA_CLASSES,
    SCHEMA_DIALECT,
    ContractKind,
    ContractSource,
    contract_data_classes,
    contract_document,
    contract_id,
    contract_sources,
    parse_contract_id,
)
from healthbridge.governance.errors import (
    ContractChangedError,
    ContractFileError,
    ContractNameError,
    GovernanceError,
)
from healthbridge.governance.plan import (
    APPLY_ORDER,
    ROLES,
    ContractChange,
    FieldChange,
    Plan,
    PlanItem,
    catalog_hash,
    desired_resources,
    make_plan,
    resource_hash,
)
from healthbridge.governance.reasons import (
    EFFECTS,
    REASON_KINDS,
    CompatibilityReport,
    Direction,
    Effect,
    Reason,
    ReasonKind,
    Verdict,
    effect_for,
)
from healthbridge.governance.report_rendering import headline, render_report, report_table
from healthbridge.governance.versioning import (
    Bump,
    bump_suffices,
    parse_version,
    required_bump,
    version_bump,
)

__all__ = [
    "APPLY_ORDER",
    "DATA_CLASSES",
    "EFFECTS",
    "REASON_KINDS",
    "REGENERATE_COMMAND",
    "ROLES",
    "SCHEMA_DIALECT",
    "AppliedResource",
    "AppliedRevision",
    "Approval",
    "Bump",
    "CompatibilityReport",
    "ContractChange",
    "ContractChangedError",
    "ContractFile",
    "ContractFileError",
    "ContractKind",
    "ContractNameError",
    "ContractSource",
    "ContractState",
    "ContractStatus",
    "Direction",
    "Effect",
    "FieldChange",
    "GovernanceError",
    "Plan",
    "PlanItem",
    "Reason",
    "ReasonKind",
    "Verdict",
    "bump_suffices",
    "catalog_hash",
    "classify",
    "contract_data_classes",
    "contract_document",
    "contract_id",
    "contract_path",
    "contract_sources",
    "contract_status",
    "contract_text",
    "desired_resources",
    "effect_for",
    "find_contract",
    "headline",
    "history_problems",
    "list_contracts",
    "load_contract",
    "make_plan",
    "parse_contract_id",
    "parse_version",
    "read_contract",
    "render_report",
    "report_table",
    "required_bump",
    "resource_hash",
    "version_bump",
    "write_contract",
    "write_contracts",
]
