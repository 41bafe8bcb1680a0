"""Policy as code: CEL rules over the catalog, the default ruleset, findings and SARIF."""

from healthbridge.governance.policy.defaults import DEFAULT_RULES
from healthbridge.governance.policy.engine import (
    CATALOG_KEYS,
    DEFAULT_ODOO_ADMINS,
    CompiledRule,
    LintResult,
    PolicyEngine,
    RuleOrigin,
    catalog_rules,
    catalog_variable,
    compile_rule,
    compile_rules,
)
from healthbridge.governance.policy.findings import (
    RULE_FAILED,
    Finding,
    Severity,
    has_errors,
    sort_findings,
)
from healthbridge.governance.policy.sarif import SARIF_VERSION, to_sarif

__all__ = [
    "CATALOG_KEYS",
    "DEFAULT_ODOO_ADMINS",
    "DEFAULT_RULES",
    "RULE_FAILED",
    "SARIF_VERSION",
    "CompiledRule",
    "Finding",
    "LintResult",
    "PolicyEngine",
    "RuleOrigin",
    "Severity",
    "catalog_rules",
    "catalog_variable",
    "compile_rule",
    "compile_rules",
    "has_errors",
    "sort_findings",
    "to_sarif",
]
