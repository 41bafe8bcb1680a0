"""``healthbridge catalog``: write the example catalog, validate manifests, publish schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from healthbridge.cli.output import console, errors, fail
from healthbridge.core import ConfigError, HealthbridgeError, Settings, load_settings
from healthbridge.governance.catalog.errors import CatalogError
from healthbridge.governance.catalog.loader import load_catalog
from healthbridge.governance.catalog.scaffold import write_example
from healthbridge.governance.catalog.schemas import write_catalog_schemas
from healthbridge.services.governance import GovernanceSources

app = typer.Typer(
    help="The integration catalog: YAML manifests of integrations, consumers, endpoints, "
    "subscriptions, schedules, deprecations and policies.",
    no_args_is_help=True,
)

CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help="Catalog folder (default: governance.catalog_dir, ./catalog).",
        file_okay=False,
    ),
]


def load_cli_settings() -> Settings:
    """The settings, or a readable error naming the bad key."""
    try:
        return load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)


def sources_for(settings: Settings, catalog: Path | None) -> GovernanceSources:
    """Where the CLI reads the catalog and contracts from."""
    section = settings.governance
    return GovernanceSources(
        catalog_dir=catalog or section.catalog_dir,
        contracts_dir=section.contracts_dir,
        odoo_admins=section.odoo_admin_logins,
    )


def print_problems(error: CatalogError) -> None:
    """Every schema problem as ``file:line field: message``."""
    errors.print(f"[bold red]catalog is not valid[/]: {len(error.problems)} problems")
    for problem in error.problems:
        errors.print(escape(str(problem)), soft_wrap=True)


@app.command("init")
def init(
    folder: Annotated[
        Path | None, typer.Argument(help="Where to write it (default: the catalog folder).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Write a commented example catalog for a hospital group.

    Supply chain (replenishment with a supplier, ward requests from the EHR, nightly
    inventory reporting), billing (charge capture), patient administration (ADT
    registrations, PHI) and payer integrations (claims as thin webhooks), with the
    consumers, endpoints, subscriptions, a schedule, a deprecation and the group's own
    policy rules. It passes `healthbridge lint` with no findings.

    Examples:

        healthbridge catalog init

        healthbridge catalog init ./my-catalog
    """
    target = folder or load_cli_settings().governance.catalog_dir
    try:
        written = write_example(target, force=force)
    except HealthbridgeError as exc:
        fail(exc.safe_message, code=exc.code, exit_code=1)
    console.print(f"wrote {len(written)} files to {target}")
    console.print("next: healthbridge lint  ·  healthbridge plan  ·  healthbridge report portfolio")


@app.command("validate")
def validate(catalog: CatalogOption = None) -> None:
    """Check every manifest against its schema; problems name file:line and the field.

    Exit code 0 when valid, 1 when not. Policy rules are `healthbridge lint`.

    Examples:

        healthbridge catalog validate

        healthbridge catalog validate --catalog ./my-catalog
    """
    folder = catalog or load_cli_settings().governance.catalog_dir
    try:
        loaded = load_catalog(folder)
    except CatalogError as exc:
        print_problems(exc)
        raise typer.Exit(1) from None
    except HealthbridgeError as exc:
        fail(exc.safe_message, code=exc.code, exit_code=1)
    kinds: dict[str, int] = {}
    for entry in loaded:
        kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
    summary = ", ".join(f"{count} {kind}" for kind, count in kinds.items())
    console.print(f"[green]valid[/]: {len(loaded)} manifests ({summary})")


@app.command("schemas")
def schemas(
    out: Annotated[
        Path, typer.Option(help="Folder to write <Kind>.schema.json into.", file_okay=False)
    ] = Path("schemas/catalog"),
) -> None:
    """Write the JSON Schemas (2020-12) of every manifest kind, for editors and CI.

    Examples:

        healthbridge catalog schemas

        healthbridge catalog schemas --out build/schemas
    """
    written = write_catalog_schemas(out)
    console.print(f"wrote {len(written)} schemas to {out}")
