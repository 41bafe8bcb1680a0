"""``healthbridge lint``: the catalog's policy findings, for people (text) and CI (json, sarif)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from healthbridge.cli.catalog_cmd import CatalogOption, load_cli_settings, sources_for
from healthbridge.cli.output import console, fail
from healthbridge.core import HealthbridgeError
from healthbridge.governance.catalog.errors import CatalogError
from healthbridge.governance.catalog.models import PolicyRule
from healthbridge.governance.policy.defaults import DEFAULT_RULES
from healthbridge.governance.policy.findings import Finding, has_errors
from healthbridge.governance.policy.sarif import to_sarif
from healthbridge.services import governance

FORMATS = ("text", "json", "sarif")
SCHEMA_RULE = "HB000"
"""Findings for manifests that do not match their schema (reported by lint too)."""

app = typer.Typer(help="Check the catalog against its policies.")


@app.command()
def lint(
    catalog: CatalogOption = None,
    output_format: Annotated[
        str, typer.Option("--format", help="text (default), json or sarif (SARIF 2.1.0).")
    ] = "text",
) -> None:
    """Check every manifest against the default ruleset and the catalog's own rules.

    The default rules encode the architecture controls: tier-1 integrations have SLOs,
    dead-letter handling, idempotency, a runbook and an on-call owner; PHI flows are
    encrypted, audited, projected and send thin webhooks; no Odoo admin credential;
    external exposure approved; real-time justified; sunsets at least 90 days out;
    batch flows reconciled and scheduled; no consumer bypasses the hub; references
    resolve. Exit code 1 when any finding is an error, 0 otherwise.

    Examples:

        healthbridge lint

        healthbridge lint --format sarif > healthbridge.sarif

        healthbridge lint --catalog ./my-catalog --format json
    """
    if output_format not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}")
    sources = sources_for(load_cli_settings(), catalog)
    rules: tuple[PolicyRule, ...] = DEFAULT_RULES
    try:
        result = asyncio.run(governance.lint(sources))
        findings, rules = list(result.findings), result.rules
    except CatalogError as exc:
        findings = [
            Finding(
                SCHEMA_RULE,
                "error",
                f"{p.field}: {p.message}" if p.field else p.message,
                p.file,
                p.line,
                fix="fix the manifest to match its schema (catalog schemas)",
            )
            for p in exc.problems
        ]
    except HealthbridgeError as exc:
        fail(exc.safe_message, code=exc.code, exit_code=1)
    if output_format == "json":
        typer.echo(json.dumps({"findings": [f.to_dict() for f in findings]}, indent=2))
    elif output_format == "sarif":
        typer.echo(json.dumps(to_sarif(findings, rules, base=Path.cwd()), indent=2))
    else:
        _print(findings)
    if has_errors(findings):
        raise typer.Exit(1)


def _print(findings: list[Finding]) -> None:
    """One finding per line, ``file:line`` first as compilers print it (editors link it)."""
    if not findings:
        console.print("[green]no findings[/]")
        return
    colours = {"error": "red", "warning": "yellow", "note": "dim"}
    for finding in findings:
        subject = f" {escape(finding.subject)}:" if finding.subject else ""
        console.print(
            f"{escape(finding.file)}:{finding.line}: [{colours[finding.severity]}]"
            f"{finding.severity}[/] [bold]{finding.rule_id}[/]{subject} {escape(finding.message)}",
            soft_wrap=True,
        )
        if finding.fix:
            console.print(f"    [dim]fix: {escape(finding.fix)}[/]", soft_wrap=True)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in colours}
    console.print(f"{counts['error']} errors, {counts['warning']} warnings, {counts['note']} notes")
