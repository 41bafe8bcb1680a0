"""What a policy check finds: one rule broken by one manifest, and where."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "note"]
SEVERITY_RANK: dict[str, int] = {"note": 0, "warning": 1, "error": 2}

RULE_FAILED = "HB900"
"""A rule that could not be compiled or evaluated: reported, never a crash."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule that does not hold for a manifest (or a rule that is itself broken)."""

    rule_id: str
    severity: Severity
    message: str
    file: str
    line: int
    kind: str = ""
    name: str = ""
    fix: str | None = None
    field: str | None = None

    @property
    def subject(self) -> str:
        """``Kind/name`` of the manifest, or empty for catalog-wide findings."""
        return f"{self.kind}/{self.name}" if self.kind else ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view for ``lint --format json``."""
        return asdict(self)


def has_errors(findings: list[Finding] | tuple[Finding, ...]) -> bool:
    """True when any finding is an error (lint then exits non-zero)."""
    return any(finding.severity == "error" for finding in findings)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Worst first, then by file and line, so output is stable."""
    return sorted(
        findings,
        key=lambda f: (-SEVERITY_RANK[f.severity], f.file, f.line, f.rule_id, f.name),
    )
