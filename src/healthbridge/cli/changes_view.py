"""How captured changes look on a terminal: one table for the CLI and the live demo."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from healthbridge.canonical import RecordedChange

_SOURCE_STYLE = {"webhook": "[green]webhook[/]", "poller": "[magenta]poller[/]"}


def changes_table(changes: Sequence[RecordedChange], *, title: str = "Captured changes") -> Table:
    """Newest first: what changed, when Odoo stamped it, and which paths saw it how often."""
    table = Table(title=title, expand=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("model", style="cyan")
    table.add_column("record", justify="right")
    table.add_column("write_date (UTC)")
    table.add_column("fields")
    table.add_column("seen by")
    table.add_column("notifications", justify="right")
    for change in changes:
        fields = ", ".join(change.changed_fields[:4])
        if len(change.changed_fields) > 4:
            fields += f" +{len(change.changed_fields) - 4}"
        seen_by = " + ".join(_SOURCE_STYLE.get(source, source) for source in change.sources)
        duplicates = change.seen_count
        table.add_row(
            str(change.id),
            change.model,
            str(change.record_id),
            change.write_date.strftime("%Y-%m-%d %H:%M:%S"),
            fields or "[dim]-[/]",
            seen_by,
            f"[bold yellow]{duplicates}[/]" if duplicates > 1 else str(duplicates),
        )
    return table
