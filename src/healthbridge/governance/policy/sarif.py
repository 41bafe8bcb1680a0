"""Findings as SARIF 2.1.0, the format CI systems (GitHub code scanning, GitLab) read."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from healthbridge.governance.catalog.models import PolicyRule
from healthbridge.governance.policy.findings import RULE_FAILED, Finding

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "healthbridge-lint"
_LEVELS = {"error": "error", "warning": "warning", "note": "note"}


def to_sarif(
    findings: Sequence[Finding], rules: Sequence[PolicyRule], *, base: Path | None = None
) -> dict[str, Any]:
    """One SARIF log with one run: the rules as the tool's driver, each finding a result.

    Paths are made relative to ``base`` when they lie under it, since SARIF viewers
    resolve them against the repository root.
    """
    descriptors = [_descriptor(rule) for rule in rules]
    known = {rule.id for rule in rules}
    if any(f.rule_id == RULE_FAILED for f in findings) and RULE_FAILED not in known:
        descriptors.append(
            {
                "id": RULE_FAILED,
                "name": "rule-failed",
                "shortDescription": {"text": "a policy rule could not be compiled or evaluated"},
                "defaultConfiguration": {"level": "error"},
            }
        )
    index = {descriptor["id"]: position for position, descriptor in enumerate(descriptors)}
    results = [_result(finding, index, base) for finding in findings]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "informationUri": "https://github.com/healthbridge/healthbridge",
                        "rules": descriptors,
                    }
                },
                "results": results,
            }
        ],
    }


def _descriptor(rule: PolicyRule) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "shortDescription": {"text": rule.message},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
    }
    if rule.fix:
        descriptor["help"] = {"text": rule.fix}
    return descriptor


def _result(finding: Finding, index: dict[str, int], base: Path | None) -> dict[str, Any]:
    text = finding.message if not finding.subject else f"{finding.subject}: {finding.message}"
    if finding.fix:
        text = f"{text}. Fix: {finding.fix}"
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": _LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(finding.file, base)},
                    "region": {"startLine": max(finding.line, 1)},
                }
            }
        ],
    }
    if finding.rule_id in index:
        result["ruleIndex"] = index[finding.rule_id]
    return result


def _uri(file: str, base: Path | None) -> str:
    path = Path(file)
    if base is not None:
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()
