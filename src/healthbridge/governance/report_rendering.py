"""A compatibility report as a person reads it in a terminal: verdict first, then each reason.

Two forms of the same content: plain text lines (logs, CI output, tests) and a Rich table
(the CLI). Reasons are listed worst first, in the order the walk found them within each
effect, so the lines that block a release come before the ones that do not.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from healthbridge.governance.reasons import CompatibilityReport, Direction, Reason

_ORDER = {"breaking": 0, "additive": 1, "compatible": 2}
_STYLE = {"breaking": "bold red", "additive": "yellow", "compatible": "green", "identical": "green"}
_SIDES: dict[Direction, str] = {
    "read": "readers",
    "write": "writers",
    "both": "readers and writers",
}


def ordered_reasons(report: CompatibilityReport) -> list[Reason]:
    """The reasons worst first; the walk's order is kept within each effect."""
    return sorted(report.reasons, key=lambda reason: _ORDER[reason.effect])


def shown_path(path: str) -> str:
    """A JSON Pointer for display: the root, written ``""`` in a pointer, shows as ``/``."""
    return path or "/"


def headline(report: CompatibilityReport) -> str:
    """One line: the verdict, for whom it was judged, and how many reasons of each effect."""
    sides = _SIDES[report.direction]
    if not report.reasons:
        return f"identical (judged for {sides}): no differences"
    counts = dict.fromkeys(_ORDER, 0)
    for reason in report.reasons:
        counts[reason.effect] += 1
    tally = ", ".join(f"{count} {effect}" for effect, count in counts.items() if count)
    return f"{report.verdict} (judged for {sides}): {tally}"


def render_report(report: CompatibilityReport) -> str:
    """The report as text: the headline, then one aligned line per reason, worst first."""
    reasons = ordered_reasons(report)
    lines = [headline(report)]
    if reasons:
        kind_width = max(len(reason.kind) for reason in reasons)
        path_width = max(len(shown_path(reason.path)) for reason in reasons)
        for reason in reasons:
            breaks = f" [breaks {' and '.join(reason.breaks)}]" if reason.breaks else ""
            lines.append(
                f"  {reason.effect:<10}  {reason.kind:<{kind_width}}  "
                f"{shown_path(reason.path):<{path_width}}  {reason.detail}{breaks}"
            )
    return "\n".join(lines)


def report_table(report: CompatibilityReport) -> Table:
    """The report as a Rich table whose title is the headline, coloured by effect."""
    table = Table(title=Text(headline(report), style=_STYLE[report.verdict]), title_justify="left")
    for column in ("effect", "kind", "path", "detail", "breaks"):
        table.add_column(column, overflow="fold")
    for reason in ordered_reasons(report):
        table.add_row(
            Text(reason.effect, style=_STYLE[reason.effect]),
            reason.kind,
            shown_path(reason.path),
            reason.detail,
            " and ".join(reason.breaks),
        )
    return table
