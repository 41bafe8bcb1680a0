"""``healthbridge contracts``: versioned contracts and what a change to them breaks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from healthbridge.cli.output import console, fail
from healthbridge.core import HealthbridgeError
from healthbridge.governance import (
    classify,
    contract_status,
    headline,
    history_problems,
    load_contract,
    report_table,
    write_contracts,
)
from healthbridge.governance.reasons import Direction

app = typer.Typer(help="Versioned contracts of canonical objects and events.", no_args_is_help=True)

RootOption = Annotated[
    Path, typer.Option(help="Folder of the committed contracts.", file_okay=False)
]


@app.command("diff")
def diff(
    old: Annotated[str, typer.Argument(help="A contract file, NAME@VERSION, NAME@latest or NAME.")],
    new: Annotated[
        str, typer.Argument(help="The same forms; NAME alone is the model as it is now.")
    ],
    direction: Annotated[
        str, typer.Option(help="Judge for readers (read), writers (write) or both.")
    ] = "both",
    root: RootOption = Path("contracts"),
    json_output: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Classify the change from OLD to NEW: breaking, additive, compatible or identical.

    Every reason is listed with its JSON pointer (field removed, type narrowed, required
    added, enum value removed, format changed, data class changed...) and whom it breaks.
    The exit code is 1 when the change is breaking, so CI can gate on it.

    Examples:

        healthbridge contracts diff Patient@1.0.0 Patient

        healthbridge contracts diff Invoice@latest Invoice --direction read

        healthbridge contracts diff old/patient.json contracts/Patient/1.0.0.json --json
    """
    if direction not in ("read", "write", "both"):
        fail("--direction must be read, write or both")
    chosen: Direction = direction  # type: ignore[assignment]
    try:
        report = classify(load_contract(old, root), load_contract(new, root), direction=chosen)
    except HealthbridgeError as exc:
        fail(exc.safe_message, code=exc.code, exit_code=2)
    if json_output:
        console.print_json(json.dumps(report.to_dict()))
    elif report.reasons:
        console.print(report_table(report))
    else:
        console.print(headline(report))
    if report.breaking:
        raise typer.Exit(1)


@app.command("status")
def status(root: RootOption = Path("contracts")) -> None:
    """Show whether each model's committed contract matches what the model generates now.

    A changed model needs a version bump (CONTRACT_VERSIONS) and a regenerated file; a
    version history whose steps are too small for their changes is listed too.

    Examples:

        healthbridge contracts status

        healthbridge contracts status --root ./contracts
    """
    table = Table(title=f"Contracts in {root}")
    for column in ("contract", "version", "state", "what to do"):
        table.add_column(column)
    failing = False
    for row in contract_status(root):
        style = {"current": "green", "missing": "yellow", "changed": "red"}[row.state]
        failing |= row.state != "current"
        table.add_row(row.source.name, row.source.version, f"[{style}]{row.state}[/]", row.advice())
    console.print(table)
    for problem in history_problems(root):
        failing = True
        console.print(f"[red]history:[/] {problem}")
    if failing:
        raise typer.Exit(1)


@app.command("generate")
def generate(
    root: RootOption = Path("contracts"),
    overwrite: Annotated[
        bool, typer.Option(help="Rewrite existing files (only before a version is released).")
    ] = False,
) -> None:
    """Write the contract file of every model version that has none yet.

    A committed contract is never rewritten silently: if its model changed, bump the
    version in CONTRACT_VERSIONS and run this again.

    Examples:

        healthbridge contracts generate

        healthbridge contracts generate --overwrite
    """
    try:
        written = write_contracts(root, overwrite=overwrite)
    except HealthbridgeError as exc:
        fail(exc.safe_message, code=exc.code, exit_code=1)
    for path in written:
        console.print(f"wrote [cyan]{path}[/]")
    if not written:
        console.print("every contract is already written")
