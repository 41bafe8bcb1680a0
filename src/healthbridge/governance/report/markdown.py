"""The portfolio as Markdown, for a wiki page, a pull request or a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from healthbridge.governance.report.portfolio import Portfolio


def render_markdown(portfolio: Portfolio) -> str:
    """GitHub-flavoured Markdown with one section per view; ends with a newline."""
    out: list[str] = [f"# {portfolio.title}", "", f"As of {portfolio.as_of.isoformat()}.", ""]
    total = len(portfolio.integrations)
    severity = portfolio.findings_by_severity()
    out += [
        f"{total} integrations; findings: {severity['error']} errors, "
        f"{severity['warning']} warnings, {severity['note']} notes.",
        "",
    ]
    for title, attribute in (
        ("By domain", "domain"),
        ("By owner", "owner"),
        ("By criticality tier", "tier"),
        ("By latency class", "latency_class"),
    ):
        out += [f"## {title}", ""]
        out += _table(
            ("value", "integrations"), [(k, str(v)) for k, v in portfolio.count_by(attribute)]
        )
    out += ["## Integrations", ""]
    out += _table(
        ("integration", "domain", "owner", "tier", "latency", "pattern", "data", "SLO"),
        [
            (
                row.name,
                row.domain,
                row.owner,
                str(row.tier),
                row.latency_class,
                row.pattern,
                ", ".join(row.data_classes),
                row.slo.state + (f" ({row.slo.detail})" if row.slo.detail else ""),
            )
            for row in portfolio.integrations
        ],
    )
    out += ["## Policy findings", ""]
    if portfolio.findings:
        out += _table(
            ("severity", "rule", "manifest", "where", "message"),
            [
                (f.severity, f.rule_id, f.subject or "-", f"{f.file}:{f.line}", f.message)
                for f in portfolio.findings
            ],
        )
    else:
        out += ["No findings.", ""]
    out += [f"## Deprecations due within {portfolio.horizon_days} days", ""]
    if portfolio.deprecations:
        out += _table(
            ("deprecation", "target", "version", "sunset", "days left", "successor"),
            [
                (d.name, d.target, d.version, d.sunset.isoformat(), str(d.days_left), d.successor)
                for d in portfolio.deprecations
            ],
        )
    else:
        out += ["None.", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
