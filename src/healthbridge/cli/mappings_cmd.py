"""``healthbridge mappings``: mapping versions, and dry runs of a candidate on recorded traffic."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from rich.table import Table

from healthbridge.bootstrap import open_hub, open_store
from healthbridge.cli.embedded import embedded_odoo
from healthbridge.cli.messages_cmd import message_log
from healthbridge.cli.output import console, fail, run
from healthbridge.core import ConfigError, Settings, load_settings
from healthbridge.mappings.registry import MappingRegistry, default_registry
from healthbridge.services.mapping_dry_run import DryRunReport, dry_run

app = typer.Typer(
    help="Mapping versions and dry runs before release.\n\n"
    "Examples:\n\n    healthbridge mappings versions\n\n"
    "    healthbridge mappings dry-run hl7v2.patient 1.1.0",
    no_args_is_help=True,
)

registry_factory: Callable[[], MappingRegistry] = default_registry
"""Builds the registry the commands read (tests swap in one with a candidate)."""


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)


@app.command("versions")
def versions() -> None:
    """List every inbound-facing mapping, its current version and its candidates.

    Examples:

        healthbridge mappings versions
    """
    registry = registry_factory()
    table = Table("mapping", "reads", "current", "candidates")
    for name in registry.names():
        current = registry.current(name)
        others = [v for v in registry.versions(name) if v != current.version]
        table.add_row(
            name,
            f"{current.source_kind}: {', '.join(current.sources)}",
            current.version,
            ", ".join(others) or "-",
        )
    console.print(table)


@app.command("dry-run")
def dry_run_command(
    name: Annotated[str, typer.Argument(help="Mapping name, e.g. hl7v2.patient.")],
    new_version: Annotated[str, typer.Argument(help="The candidate version to compare.")],
    limit: Annotated[int, typer.Option(min=1, help="Most recorded inputs to replay.")] = 100,
    show_values: Annotated[
        bool, typer.Option("--show-values", help="Print PHI/PII values instead of masking them.")
    ] = False,
) -> None:
    """Replay recorded inbound traffic through the current and the NEW_VERSION of a mapping.

    HL7 v2 mappings replay the stored messages of their types; Odoo mappings read the
    current rows of recently changed records (from the embedded sandbox when odoo.url is
    not set). Every differing output is listed field by field; values of PHI and PII
    fields are masked unless --show-values. Nothing is written.

    Examples:

        healthbridge mappings dry-run hl7v2.patient 1.1.0

        healthbridge mappings dry-run odoo.product 1.1.0 --limit 20

        healthbridge mappings dry-run hl7v2.charges 1.1.0 --show-values
    """
    registry = registry_factory()
    if name not in registry.names():
        fail(f"unknown mapping {name!r}; see: healthbridge mappings versions")
    report = run(_dry_run(_settings(), registry, name, new_version, limit))
    print_report(report, show_values=show_values)


async def _dry_run(
    settings: Settings, registry: MappingRegistry, name: str, version: str, limit: int
) -> DryRunReport:
    if registry.current(name).source_kind != "odoo":
        async with open_store(settings) as store:
            messages = message_log(settings, store.engine)
            return await dry_run(registry, name, version, messages=messages, limit=limit)
    async with embedded_odoo(settings) as (configured, _), open_hub(configured) as hub:
        return await dry_run(
            registry, name, version, changes=hub.store.changes, odoo=hub.odoo, limit=limit
        )


def print_report(report: DryRunReport, *, show_values: bool = False) -> None:
    """The summary line, then a table per differing input and the failures."""
    console.print(
        f"[bold]{report.name}[/] {report.current_version} -> {report.candidate_version}: "
        f"{report.replayed} replayed, {report.identical} identical, "
        f"{len(report.different)} different, {len(report.failed)} failed"
    )
    for item in report.different:
        table = Table("field", "class", report.current_version, report.candidate_version)
        for difference in item.differences:
            old, new = difference.shown(show_values=show_values)
            data_class = difference.data_class.value if difference.data_class else "unclassified"
            table.add_row(difference.path, data_class, old, new)
        console.print(f"\n[yellow]{item.source}[/]")
        console.print(table)
    for item in report.failed:
        console.print(
            f"[red]{item.source}[/] failed: current {item.current_error or 'ok'}, "
            f"candidate {item.candidate_error or 'ok'}"
        )
