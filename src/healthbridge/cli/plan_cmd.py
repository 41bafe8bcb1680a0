"""``healthbridge plan``, ``approve`` and ``apply``: change the running hub the governed way."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from healthbridge.bootstrap import open_store
from healthbridge.cli.catalog_cmd import CatalogOption, load_cli_settings, sources_for
from healthbridge.cli.output import console, errors, fail, run
from healthbridge.core import Settings
from healthbridge.governance.applied import Approval
from healthbridge.governance.plan import ROLES
from healthbridge.registries import ApprovalAudit, HubRegistries
from healthbridge.services import governance
from healthbridge.services.governance_ports import HubPort
from healthbridge.store.approvals import Approvals
from healthbridge.store.catalog_state import CatalogState

app = typer.Typer(help="Plan, approve and apply catalog changes.", no_args_is_help=True)

_SYMBOL = {"add": "[green]+[/]", "change": "[yellow]~[/]", "remove": "[red]-[/]"}
_VALUE_LIMIT = 60


@asynccontextmanager
async def open_hub_registries(settings: Settings) -> AsyncIterator[HubPort]:
    """The hub's registries that ``apply`` changes (``healthbridge.registries``).

    Consumers (gateway clients) and webhook endpoints change at once; the other kinds
    are carried by the applied catalog state. After a successful apply this names the
    clients and endpoints it created: their secrets are never printed by apply (it runs
    in CI logs), the operator fetches each once with ``rotate-secret``.
    """
    async with open_store(settings) as store:
        hub = HubRegistries(store.engine)
        yield hub
    for client_id in hub.created_clients:
        console.print(
            f"client {escape(client_id)} created: get its secret (shown once) with "
            f"`healthbridge clients rotate-secret {escape(client_id)}`",
            soft_wrap=True,
        )
    for endpoint in hub.created_endpoints:
        console.print(
            f"webhook endpoint {endpoint} created: get its signing secret with "
            f"`healthbridge webhooks rotate-secret {endpoint}`",
            soft_wrap=True,
        )
    errors.print(
        "[yellow]note[/] "
        + ", ".join(hub.state_only_kinds)
        + " have no live registry: they are in force through the applied catalog state "
        "(read at the next hub start; subscriptions are delivered through their endpoints)"
    )


@asynccontextmanager
async def _stores(settings: Settings) -> AsyncIterator[tuple[CatalogState, Approvals]]:
    async with open_store(settings) as store:
        yield CatalogState(store.engine), Approvals(store.engine)


@app.command("plan")
def plan(
    catalog: CatalogOption = None,
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Show what applying the catalog would change, and the approvals each change needs.

    Lists integrations, SLOs, consumers, webhook endpoints, subscriptions, schedules and
    deprecations added (+), changed (~) or removed (-) with the fields that change.
    Contract version changes are judged breaking / additive / compatible by the
    contract classifier from the committed contract files. Approvals: governance-board
    for breaking or unverifiable contract changes and removing a consumed integration;
    security for new external exposure; owner and on-call for tier-1 changes.

    Examples:

        healthbridge plan

        healthbridge plan --format json
    """
    if output_format not in ("text", "json"):
        fail("--format must be text or json")
    settings = load_cli_settings()
    view = run(_plan(settings, sources_for(settings, catalog)))
    if output_format == "json":
        typer.echo(json.dumps(_plan_json(view), indent=2, default=str))
        return
    print_plan(view)


async def _plan(settings: Settings, sources: governance.GovernanceSources) -> governance.PlanView:
    async with _stores(settings) as (state, approvals):
        return await governance.plan(sources, state, approvals)


def print_plan(view: governance.PlanView) -> None:
    """The plan for a person: one block per change, approvals with their state."""
    if view.plan.empty:
        console.print("[green]no changes[/]: the hub runs the catalog as it is")
        return
    for status in view.statuses:
        item = status.item
        console.print(f"{_SYMBOL[item.action]} [bold]{escape(item.change_id)}[/] ({item.action})")
        if item.action == "change":
            for change in item.fields:
                console.print(
                    f"    {escape(change.path)}: {escape(_short(change.old))} -> "
                    f"{escape(_short(change.new))}"
                )
        for contract in item.contracts:
            colour = "red" if contract.verdict in ("breaking", "removed", "unverified") else "cyan"
            console.print(
                f"    contract {escape(contract.name)} {contract.old_version or '-'} -> "
                f"{contract.new_version or '-'}: [{colour}]{contract.verdict}[/] "
                f"({escape(contract.detail)})"
            )
        granted = {approval.role: approval for approval in status.granted}
        for role, reason in zip(item.approvals, item.reasons, strict=True):
            if role in granted:
                who = granted[role].approved_by
                console.print(f"    [green]approved[/] {role} by {escape(who)}")
            else:
                console.print(f"    [red]needs[/] {escape(reason)}")
    adds = sum(1 for s in view.statuses if s.item.action == "add")
    changes = sum(1 for s in view.statuses if s.item.action == "change")
    removes = sum(1 for s in view.statuses if s.item.action == "remove")
    console.print(
        f"\n{adds} to add, {changes} to change, {removes} to remove; "
        f"{len(view.blocked)} waiting for approval"
    )
    if view.blocked:
        first = view.blocked[0]
        console.print(
            f"approve with: healthbridge approve {first.item.change_id} --by NAME "
            f'--reason "..." --role {first.missing[0]}'
        )


@app.command("approve")
def approve(
    change: Annotated[
        str | None, typer.Argument(help="Kind/name, as `healthbridge plan` lists it.")
    ] = None,
    *,
    by: Annotated[str, typer.Option("--by", help="Who approves (name or e-mail).")],
    reason: Annotated[str, typer.Option("--reason", help="Why; kept with the approval.")],
    all_pending: Annotated[
        bool,
        typer.Option("--all", help="Approve every pending change in every missing role."),
    ] = False,
    role: Annotated[
        str | None,
        typer.Option(help=f"Approve as: {', '.join(ROLES)} (needed when several are pending)."),
    ] = None,
    catalog: CatalogOption = None,
) -> None:
    """Record an approval of one pending change: who, when, why and in which role.

    The approval is bound to the change as it is now: edit the manifest afterwards and
    it must be approved again.

    `--all` records every missing approval, one by one (for the demo, or when adopting
    an estate that already runs).

    Examples:

        healthbridge approve Integration/payer-claims --by a.jansen --reason "GOV-117" \\
            --role security

        healthbridge approve --all --by demo --reason "demo catalog"
    """
    settings = load_cli_settings()
    if all_pending:
        if change is not None:
            fail("give a CHANGE or --all, not both")
        done = run(_approve_all(settings, sources_for(settings, catalog), by, reason))
        console.print(f"[green]recorded {len(done)} approvals[/]")
        return
    if change is None:
        fail("name the CHANGE to approve (see `healthbridge plan`), or pass --all")
    recorded = run(_approve(settings, sources_for(settings, catalog), change, by, reason, role))
    console.print(
        f"[green]approved[/] {escape(recorded.change_id)} as {recorded.role} by "
        f"{escape(recorded.approved_by)} at {recorded.approved_at.isoformat(timespec='seconds')}"
    )


async def _approve(
    settings: Settings,
    sources: governance.GovernanceSources,
    change: str,
    by: str,
    reason: str,
    role: str | None,
) -> Any:
    async with open_store(settings) as store:
        return await governance.approve(
            sources,
            CatalogState(store.engine),
            Approvals(store.engine),
            change_id=change,
            approved_by=by,
            reason=reason,
            role=role,
            audit=ApprovalAudit(store.engine),
        )


@app.command("approvals")
def list_approvals(
    limit: Annotated[int, typer.Option(min=1, help="How many, newest first.")] = 50,
) -> None:
    """List recorded approvals, newest first: change, role, who, when and why.

    Examples:

        healthbridge approvals --limit 20
    """
    settings = load_cli_settings()
    found = run(_latest(settings, limit))
    table = Table("id", "change", "role", "by", "at", "reason", "item hash")
    for approval in found:
        table.add_row(
            str(approval.id),
            escape(approval.change_id),
            approval.role,
            escape(approval.approved_by),
            approval.approved_at.isoformat(timespec="seconds"),
            escape(approval.reason),
            approval.item_hash[:12],
        )
    console.print(table)


async def _latest(settings: Settings, limit: int) -> list[Approval]:
    async with _stores(settings) as (_state, approvals):
        return await approvals.latest(limit)


async def _approve_all(
    settings: Settings, sources: governance.GovernanceSources, by: str, reason: str
) -> list[Any]:
    async with open_store(settings) as store:
        return await governance.approve_pending(
            sources,
            CatalogState(store.engine),
            Approvals(store.engine),
            approved_by=by,
            reason=reason,
            audit=ApprovalAudit(store.engine),
        )


@app.command("apply")
def apply(
    by: Annotated[str, typer.Option("--by", help="Who applies (recorded with the revision).")],
    catalog: CatalogOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Apply the plan to the running hub, all or nothing.

    Refuses while `healthbridge lint` reports errors or any change lacks an approval it
    needs. Registers consumers, integrations, SLOs, webhook endpoints, subscriptions,
    schedules and deprecations in that order (removals first, in reverse); if any call
    fails, the calls already made are undone and the previous state stays in force.
    Running it again with nothing changed does nothing.

    Examples:

        healthbridge apply --by a.jansen

        healthbridge apply --by ci-pipeline --yes
    """
    settings = load_cli_settings()
    sources = sources_for(settings, catalog)
    view = run(_plan(settings, sources))
    print_plan(view)
    if view.plan.empty:
        return
    if not yes and not typer.confirm("apply these changes?"):
        raise typer.Exit(1)
    outcome = run(_apply(settings, sources, by))
    if outcome.revision is None:
        console.print("[green]nothing to apply[/]")
        return
    revision = outcome.revision
    console.print(
        f"[green]applied[/] revision {revision.id}: {revision.added} added, "
        f"{revision.changed} changed, {revision.removed} removed"
    )


async def _apply(
    settings: Settings, sources: governance.GovernanceSources, by: str
) -> governance.ApplyOutcome:
    async with _stores(settings) as (state, approvals), open_hub_registries(settings) as hub:
        return await governance.apply(sources, state, approvals, hub, applied_by=by)


def _plan_json(view: governance.PlanView) -> dict[str, Any]:
    return {
        "catalog_hash": view.plan.catalog_hash,
        "changes": [
            {
                **status.item.to_dict(),
                "approved": [
                    {"role": a.role, "by": a.approved_by, "at": a.approved_at.isoformat()}
                    for a in status.granted
                ],
                "missing": list(status.missing),
            }
            for status in view.statuses
        ],
    }


def _short(value: Any) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text if len(text) <= _VALUE_LIMIT else text[: _VALUE_LIMIT - 1] + "…"
