"""Compile CEL rules once and evaluate them over every manifest of a catalog.

A rule that does not compile, names an unknown kind, fails at run time or returns
something other than a boolean becomes a finding (``HB900``) pointing at the rule's own
file and line: a broken user rule must never stop the default ruleset from running.

Speed: the catalog-wide variables are converted to CEL values once per run, in one
``cel.Context``, and only ``m`` is replaced per manifest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import cel

from healthbridge.governance.catalog.loader import Catalog, Entry
from healthbridge.governance.catalog.models import (
    MANIFEST_KINDS,
    PolicyRule,
    manifest_document,
)
from healthbridge.governance.policy.defaults import DEFAULT_RULES
from healthbridge.governance.policy.findings import RULE_FAILED, Finding, sort_findings

DEFAULT_ODOO_ADMINS: tuple[str, ...] = ("admin", "__system__")
"""Odoo logins that are administrators, unless the caller says otherwise."""

CATALOG_KEYS: dict[str, str] = {
    "Integration": "integrations",
    "Consumer": "consumers",
    "WebhookEndpoint": "webhook_endpoints",
    "Subscription": "subscriptions",
    "Schedule": "schedules",
    "Deprecation": "deprecations",
    "Policy": "policies",
}
"""Kind -> its key in the ``catalog`` variable."""

_MAX_ERROR = 200


@dataclass(frozen=True, slots=True)
class RuleOrigin:
    """Where a rule was written: a Policy manifest's file and line, or the defaults."""

    file: str
    line: int


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule with its CEL programs compiled, ready to run many times."""

    rule: PolicyRule
    expression: cel.Program
    when: cel.Program | None
    origin: RuleOrigin


@dataclass(frozen=True, slots=True)
class LintResult:
    """Every finding of one policy run, and how much work it was."""

    findings: tuple[Finding, ...]
    rules: tuple[PolicyRule, ...]
    evaluations: int
    manifests: int


DEFAULTS_ORIGIN = RuleOrigin("healthbridge/governance/policy/defaults.py", 1)


def compile_rule(rule: PolicyRule, origin: RuleOrigin) -> CompiledRule | Finding:
    """The compiled rule, or a finding saying why it cannot be used."""
    unknown = [kind for kind in rule.kinds if kind not in MANIFEST_KINDS]
    if unknown:
        return _broken(rule.id, origin, f"names unknown kinds {', '.join(unknown)}")
    try:
        expression = cel.compile(rule.expression)
        when = cel.compile(rule.when) if rule.when else None
    except (ValueError, RuntimeError) as error:
        return _broken(rule.id, origin, f"does not compile: {_short(error)}")
    return CompiledRule(rule, expression, when, origin)


def compile_rules(
    rules: Iterable[tuple[PolicyRule, RuleOrigin]],
) -> tuple[list[CompiledRule], list[Finding]]:
    """Compile every rule; broken ones come back as findings, never raised."""
    compiled: list[CompiledRule] = []
    broken: list[Finding] = []
    seen: set[str] = set()
    for rule, origin in rules:
        if rule.id in seen:
            broken.append(_broken(rule.id, origin, "reuses an id another rule already has"))
            continue
        seen.add(rule.id)
        result = compile_rule(rule, origin)
        if isinstance(result, Finding):
            broken.append(result)
        else:
            compiled.append(result)
    return compiled, broken


def catalog_rules(catalog: Catalog) -> list[tuple[PolicyRule, RuleOrigin]]:
    """The user rules of the catalog's Policy manifests, each with its file and line."""
    found: list[tuple[PolicyRule, RuleOrigin]] = []
    for entry in catalog.of_kind("Policy"):
        spec = entry.manifest.spec
        rules: Sequence[PolicyRule] = getattr(spec, "rules", ())
        for index, rule in enumerate(rules):
            line = entry.line_of(("spec", "rules", index))
            found.append((rule, RuleOrigin(entry.file, line)))
    return found


class PolicyEngine:
    """The compiled default rules plus a catalog's own rules."""

    def __init__(self, compiled: Sequence[CompiledRule], broken: Sequence[Finding] = ()) -> None:
        self._rules = tuple(compiled)
        self._broken = tuple(broken)
        self._by_kind: dict[str, tuple[CompiledRule, ...]] = {
            kind: tuple(r for r in self._rules if not r.rule.kinds or kind in r.rule.kinds)
            for kind in MANIFEST_KINDS
        }

    @classmethod
    def for_catalog(cls, catalog: Catalog, *, defaults: bool = True) -> PolicyEngine:
        """An engine with the default rules (unless ``defaults`` is False) and the catalog's."""
        rules: list[tuple[PolicyRule, RuleOrigin]] = []
        if defaults:
            rules.extend((rule, DEFAULTS_ORIGIN) for rule in DEFAULT_RULES)
        rules.extend(catalog_rules(catalog))
        compiled, broken = compile_rules(rules)
        return cls(compiled, broken)

    @property
    def rules(self) -> tuple[PolicyRule, ...]:
        """The rules that compiled."""
        return tuple(compiled.rule for compiled in self._rules)

    def evaluate(
        self,
        catalog: Catalog,
        *,
        contracts: Mapping[str, Sequence[str]] | None = None,
        odoo_admins: Sequence[str] = DEFAULT_ODOO_ADMINS,
    ) -> LintResult:
        """Every finding over ``catalog``: broken rules first, then rule violations."""
        documents = {id(entry): manifest_document(entry.manifest) for entry in catalog}
        context = cel.Context(
            {
                "catalog": catalog_variable(catalog, documents),
                "contracts": {name: list(versions) for name, versions in (contracts or {}).items()},
                "odoo_admins": list(odoo_admins),
            }
        )
        findings = list(self._broken)
        evaluations = 0
        for entry in catalog:
            rules = self._by_kind.get(entry.kind, ())
            if not rules:
                continue
            context.add_variable("m", documents[id(entry)])
            for compiled in rules:
                evaluations += 1
                finding = _check(compiled, entry, context)
                if finding is not None:
                    findings.append(finding)
        return LintResult(
            tuple(sort_findings(findings)), self.rules, evaluations, len(catalog.entries)
        )


def catalog_variable(
    catalog: Catalog, documents: Mapping[int, dict[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """The ``catalog`` variable: for each kind's key, name -> manifest document."""
    variable: dict[str, dict[str, Any]] = {key: {} for key in CATALOG_KEYS.values()}
    for entry in catalog:
        document = (documents or {}).get(id(entry)) or manifest_document(entry.manifest)
        variable[CATALOG_KEYS[entry.kind]][entry.name] = document
    return variable


def _check(compiled: CompiledRule, entry: Entry, context: cel.Context) -> Finding | None:
    rule = compiled.rule
    try:
        if compiled.when is not None:
            applies = compiled.when.execute(context)
            if not isinstance(applies, bool):
                return _failed(compiled, entry, "its when-condition did not return a boolean")
            if not applies:
                return None
        holds = compiled.expression.execute(context)
    except Exception as error:  # any CEL run-time error is a finding, not a crash
        return _failed(compiled, entry, f"failed: {_short(error)}")
    if not isinstance(holds, bool):
        return _failed(compiled, entry, "its expression did not return a boolean")
    if holds:
        return None
    return Finding(
        rule_id=rule.id,
        severity=rule.severity,
        message=rule.message,
        file=entry.file,
        line=entry.line_of(rule.field),
        kind=entry.kind,
        name=entry.name,
        fix=rule.fix,
        field=rule.field,
    )


def _failed(compiled: CompiledRule, entry: Entry, why: str) -> Finding:
    return Finding(
        rule_id=RULE_FAILED,
        severity="error",
        message=f"rule {compiled.rule.id} {why} on {entry.kind}/{entry.name}",
        file=compiled.origin.file,
        line=compiled.origin.line,
        fix="fix the rule's CEL (guard optional fields with `!= null`)",
    )


def _broken(rule_id: str, origin: RuleOrigin, why: str) -> Finding:
    return Finding(
        rule_id=RULE_FAILED,
        severity="error",
        message=f"rule {rule_id} {why}",
        file=origin.file,
        line=origin.line,
        fix="fix the rule in its Policy manifest",
    )


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:_MAX_ERROR]}"
