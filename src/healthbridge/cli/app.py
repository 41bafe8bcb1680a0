"""The root ``healthbridge`` command and its command groups."""

from __future__ import annotations

import typer

from healthbridge import __version__
from healthbridge.cli import (
    audit_cmd,
    capture_cmd,
    catalog_cmd,
    clients_cmd,
    config_cmd,
    contracts_cmd,
    demo_cmd,
    dlq_cmd,
    events_cmd,
    lint_cmd,
    mappings_cmd,
    messages_cmd,
    mllp_cmd,
    odoo_cmd,
    openapi_cmd,
    plan_cmd,
    reconcile_cmd,
    report_cmd,
    sandbox_cmd,
    slo_cmd,
    store_cmd,
    tasks_cmd,
    trace_cmd,
    webhooks_cmd,
    worker_cmd,
    workflows_cmd,
)
from healthbridge.observability import configure_logging

app = typer.Typer(
    name="healthbridge",
    help=(
        "Healthbridge: the governed layer between Odoo and a healthcare ecosystem.\n\n"
        "It captures what changes in Odoo (webhooks and a write_date poller, one change per "
        "change), talks to Odoo over JSON-2, JSON-RPC or XML-RPC with typed errors, retries "
        "only what is safe to retry, and runs an Odoo sandbox to develop against.\n\n"
        "Start with [bold]healthbridge demo[/], then [bold]healthbridge config show[/]."
    ),
    epilog=(
        "Examples:  healthbridge demo  ·  healthbridge odoo check http://127.0.0.1:8069 --db "
        "healthbridge  ·  healthbridge capture changes --limit 20"
    ),
    rich_markup_mode="rich",
    no_args_is_help=True,
    # A crash must not print local variables: they hold API keys and patient records.
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(config_cmd.app, name="config")
app.add_typer(odoo_cmd.app, name="odoo")
app.add_typer(capture_cmd.app, name="capture")
app.add_typer(store_cmd.app, name="store")
app.add_typer(sandbox_cmd.app, name="sandbox")
app.add_typer(contracts_cmd.app, name="contracts")
app.add_typer(messages_cmd.app, name="messages")
app.add_typer(mappings_cmd.app, name="mappings")
app.add_typer(catalog_cmd.app, name="catalog")
app.add_typer(report_cmd.app, name="report")
app.add_typer(clients_cmd.app, name="clients")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(openapi_cmd.app, name="openapi")
app.add_typer(events_cmd.app, name="events")
app.add_typer(dlq_cmd.app, name="dlq")
app.add_typer(webhooks_cmd.app, name="webhooks")
app.add_typer(workflows_cmd.app, name="workflows")
app.add_typer(tasks_cmd.app, name="tasks")
app.add_typer(reconcile_cmd.app, name="reconcile")
app.add_typer(slo_cmd.app, name="slo")
app.add_typer(trace_cmd.app, name="trace")
app.command("lint")(lint_cmd.lint)
app.command("plan")(plan_cmd.plan)
app.command("approve")(plan_cmd.approve)
app.command("apply")(plan_cmd.apply)
app.command("approvals")(plan_cmd.list_approvals)
app.command("mllp")(mllp_cmd.mllp)
app.command("demo")(demo_cmd.demo)
app.command("serve")(demo_cmd.serve)
app.command("worker")(worker_cmd.worker)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"healthbridge {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Log what the hub does (structured, PHI redacted)."
    ),
) -> None:
    """Healthbridge command line."""
    configure_logging("info" if verbose else "warning")


def main() -> None:
    """Entry point of the ``healthbridge`` script."""
    app()
