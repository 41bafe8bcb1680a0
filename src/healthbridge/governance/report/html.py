"""The portfolio as one self-contained HTML page: inline CSS, no scripts, no external links.

Everything shown is escaped; the page works offline, in a mail attachment or a ticket.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from healthbridge.governance.report.portfolio import Portfolio

STYLE = """
:root { --ink: #1d2733; --muted: #5b6775; --line: #d8dee6; --band: #f4f6f9;
  --ok: #1f7a3d; --warn: #9a6700; --bad: #b42318; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
  margin: 0 auto; max-width: 1100px; padding: 2rem 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .6rem; border-bottom: 2px solid var(--line);
  padding-bottom: .3rem; }
p.meta { color: var(--muted); margin: 0 0 1rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: 1rem; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; }
.card h3 { font-size: .85rem; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); margin: 0 0 .5rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { background: var(--band); font-weight: 600; }
.card table td:last-child { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .8rem;
  border: 1px solid currentColor; white-space: nowrap; }
.error, .breached { color: var(--bad); } .warning, .at-risk { color: var(--warn); }
.met { color: var(--ok); } .note, .unknown { color: var(--muted); }
.tier-1 { color: var(--bad); } .tier-2 { color: var(--warn); } .tier-3 { color: var(--muted); }
code { font-size: .85rem; }
"""


def render_html(portfolio: Portfolio) -> str:
    """A complete HTML5 document for ``portfolio``."""
    severity = portfolio.findings_by_severity()
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(portfolio.title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{escape(portfolio.title)}</h1>",
        f'<p class="meta">As of {portfolio.as_of.isoformat()} &middot; '
        f"{len(portfolio.integrations)} integrations &middot; findings: "
        f'<span class="error">{severity["error"]} errors</span>, '
        f'<span class="warning">{severity["warning"]} warnings</span>, '
        f"{severity['note']} notes</p>",
        '<div class="cards">',
    ]
    for title, attribute in (
        ("By domain", "domain"),
        ("By owner", "owner"),
        ("By criticality tier", "tier"),
        ("By latency class", "latency_class"),
    ):
        rows = [(value, str(count)) for value, count in portfolio.count_by(attribute)]
        parts.append(f'<div class="card"><h3>{escape(title)}</h3>{_table((), rows)}</div>')
    parts.append("</div>")
    parts.append("<h2>Integrations</h2>")
    parts.append(
        _table(
            ("Integration", "Domain", "Owner", "Tier", "Latency", "Pattern", "Data", "SLO"),
            [
                (
                    f"<strong>{escape(row.name)}</strong>",
                    escape(row.domain),
                    escape(row.owner),
                    f'<span class="badge tier-{row.tier}">tier {row.tier}</span>',
                    escape(row.latency_class),
                    escape(row.pattern),
                    escape(", ".join(row.data_classes)),
                    f'<span class="badge {escape(row.slo.state)}">{escape(row.slo.state)}</span>'
                    + (f" {escape(row.slo.detail)}" if row.slo.detail else ""),
                )
                for row in portfolio.integrations
            ],
            raw=True,
        )
    )
    parts.append("<h2>Policy findings</h2>")
    if portfolio.findings:
        parts.append(
            _table(
                ("Severity", "Rule", "Manifest", "Where", "Message"),
                [
                    (
                        f'<span class="badge {f.severity}">{f.severity}</span>',
                        f"<code>{escape(f.rule_id)}</code>",
                        escape(f.subject or "-"),
                        f"<code>{escape(f.file)}:{f.line}</code>",
                        escape(f.message)
                        + (f"<br><small>{escape(f.fix)}</small>" if f.fix else ""),
                    )
                    for f in portfolio.findings
                ],
                raw=True,
            )
        )
    else:
        parts.append("<p>No findings.</p>")
    parts.append(f"<h2>Deprecations due within {portfolio.horizon_days} days</h2>")
    if portfolio.deprecations:
        parts.append(
            _table(
                ("Deprecation", "Target", "Version", "Sunset", "Days left", "Successor"),
                [
                    (
                        d.name,
                        d.target,
                        d.version,
                        d.sunset.isoformat(),
                        str(d.days_left),
                        d.successor,
                    )
                    for d in portfolio.deprecations
                ],
            )
        )
    else:
        parts.append("<p>None.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], *, raw: bool = False) -> str:
    cells = (lambda text: text) if raw else escape
    head = "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr>" if header else ""
    body = "".join("<tr>" + "".join(f"<td>{cells(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{head}{body}</table>"
