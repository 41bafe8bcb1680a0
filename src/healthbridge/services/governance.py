"""Governance use cases: lint, plan, approve, apply and the portfolio report.

``apply`` is the one that changes the running hub. It refuses while the catalog has lint
errors or while any change lacks an approval it needs; then it calls the hub's
registries in dependency order (removals first, dependents before what they depend on),
keeping for each call the call that undoes it. If a call fails, the calls already made
are undone newest first and the applied state is not touched, so the previous state
stays in force; only when every call succeeded is the new state committed, in one
transaction. Running ``apply`` again with nothing changed does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import structlog

from healthbridge.core.errors import (
    ConflictError,
    InvalidRequestError,
    NotFoundError,
)
from healthbridge.governance.applied import AppliedRevision, Approval
from healthbridge.governance.catalog.loader import Catalog, load_catalog
from healthbridge.governance.contract_files import contract_path, list_contracts, read_contract
from healthbridge.governance.errors import GovernanceError
from healthbridge.governance.plan import (
    ContractLookup,
    Plan,
    PlanItem,
    ResourceKey,
    desired_resources,
    make_plan,
)
from healthbridge.governance.policy.engine import DEFAULT_ODOO_ADMINS, LintResult, PolicyEngine
from healthbridge.governance.policy.findings import has_errors
from healthbridge.governance.report.portfolio import Portfolio, build_portfolio
from healthbridge.services.governance_hub import apply_all_or_nothing, undo_all
from healthbridge.services.governance_ports import (
    ApprovalAuditPort,
    ApprovalPort,
    CatalogStatePort,
    HubPort,
    SloStatusPort,
)

log = structlog.get_logger(__name__)


class LintFailedError(InvalidRequestError):
    """The catalog has policy errors; nothing is applied until ``lint`` passes."""

    code = "governance.lint_failed"


class ApprovalMissingError(ConflictError):
    """Some changes lack approvals they need; ``details["missing"]`` lists change -> roles."""

    code = "governance.approval_missing"


class UnknownChangeError(NotFoundError):
    """``approve`` named a change that is not in the current plan."""

    code = "governance.unknown_change"


@dataclass(frozen=True, slots=True)
class GovernanceSources:
    """Where the catalog and the committed contracts are read from."""

    catalog_dir: Path
    contracts_dir: Path
    odoo_admins: Sequence[str] = DEFAULT_ODOO_ADMINS


@dataclass(frozen=True, slots=True)
class PlanStatus:
    """One plan item with the approvals it has and those it still lacks."""

    item: PlanItem
    granted: tuple[Approval, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlanView:
    """The plan and, per item, where its approvals stand."""

    plan: Plan
    statuses: tuple[PlanStatus, ...]

    @property
    def blocked(self) -> tuple[PlanStatus, ...]:
        """Items that may not be applied yet."""
        return tuple(status for status in self.statuses if status.missing)


@dataclass(frozen=True, slots=True)
class ApplyOutcome:
    """What one apply did: the revision it committed (None when nothing changed)."""

    applied: tuple[PlanItem, ...]
    revision: AppliedRevision | None


def committed_contracts(root: Path) -> dict[str, list[str]]:
    """Contract name -> committed versions (oldest first), for the policy rules."""
    versions: dict[str, list[str]] = {}
    for item in list_contracts(root):
        versions.setdefault(item.name, []).append(item.version)
    return versions


def contract_lookup(root: Path) -> ContractLookup:
    """Reads ``<root>/<name>/<version>.json``; None when that version is not committed."""

    def lookup(name: str, version: str) -> Mapping[str, Any] | None:
        try:
            return read_contract(contract_path(root, name, version))
        except GovernanceError:
            return None

    return lookup


async def lint(sources: GovernanceSources, catalog: Catalog | None = None) -> LintResult:
    """Every policy finding over the catalog (default rules plus the catalog's own)."""
    catalog = catalog if catalog is not None else load_catalog(sources.catalog_dir)
    engine = PolicyEngine.for_catalog(catalog)
    return engine.evaluate(
        catalog,
        contracts=committed_contracts(sources.contracts_dir),
        odoo_admins=sources.odoo_admins,
    )


async def plan(
    sources: GovernanceSources,
    state: CatalogStatePort,
    approvals: ApprovalPort,
    catalog: Catalog | None = None,
) -> PlanView:
    """The changes applying the catalog would make, with each one's approvals."""
    catalog = catalog if catalog is not None else load_catalog(sources.catalog_dir)
    applied = await state.applied()
    current = make_plan(
        desired_resources(catalog),
        {key: resource.document for key, resource in applied.items()},
        contracts=contract_lookup(sources.contracts_dir),
    )
    granted = await approvals.for_items([item.item_hash for item in current.items])
    by_hash: dict[str, list[Approval]] = {}
    for approval in granted:
        by_hash.setdefault(approval.item_hash, []).append(approval)
    statuses = []
    for item in current.items:
        have = tuple(by_hash.get(item.item_hash, ()))
        roles = {approval.role for approval in have}
        missing = tuple(role for role in item.approvals if role not in roles)
        statuses.append(PlanStatus(item, have, missing))
    return PlanView(current, tuple(statuses))


async def approve(
    sources: GovernanceSources,
    state: CatalogStatePort,
    approvals: ApprovalPort,
    *,
    change_id: str,
    approved_by: str,
    reason: str,
    role: str | None = None,
    audit: ApprovalAuditPort | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Approval:
    """Record that ``approved_by`` approved the current version of ``change_id`` as ``role``.

    The role may be left out when exactly one approval is still missing. The approval is
    bound to the item's hash and handed to the audit log hook when one is wired.
    """
    if not approved_by.strip() or not reason.strip():
        raise InvalidRequestError("an approval needs --by and a --reason")
    view = await plan(sources, state, approvals)
    status = next((s for s in view.statuses if s.item.change_id == change_id), None)
    if status is None:
        raise UnknownChangeError(
            f"{change_id} is not a pending change: run `healthbridge plan` to see the changes",
            details={"change": change_id},
        )
    if not status.item.approvals:
        raise InvalidRequestError(f"{change_id} needs no approval", details={"change": change_id})
    if role is None:
        if len(status.missing) != 1:
            pending = ", ".join(status.missing) or "none"
            raise InvalidRequestError(
                f"say which role you approve {change_id} as (--role): pending {pending}",
                details={"change": change_id},
            )
        role = status.missing[0]
    if role not in status.item.approvals:
        raise InvalidRequestError(
            f"{change_id} needs {', '.join(status.item.approvals)}, not {role}",
            details={"change": change_id, "role": role},
        )
    recorded = await approvals.record(
        Approval(change_id, status.item.item_hash, role, approved_by, reason, now())
    )
    if audit is not None:
        await audit.approval_recorded(recorded)
    log.info("governance_change_approved", change=change_id, role=role)
    return recorded


async def approve_pending(
    sources: GovernanceSources,
    state: CatalogStatePort,
    approvals: ApprovalPort,
    *,
    approved_by: str,
    reason: str,
    audit: ApprovalAuditPort | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[Approval]:
    """Record every missing approval of the current plan, each in its role.

    For seeding a demo or adopting an estate that already runs; every approval is still
    recorded one by one with who and why, so the audit trail shows the blanket approval.
    """
    if not approved_by.strip() or not reason.strip():
        raise InvalidRequestError("an approval needs --by and a --reason")
    view = await plan(sources, state, approvals)
    recorded: list[Approval] = []
    for status in view.blocked:
        for role in status.missing:
            approval = await approvals.record(
                Approval(
                    status.item.change_id, status.item.item_hash, role, approved_by, reason, now()
                )
            )
            if audit is not None:
                await audit.approval_recorded(approval)
            recorded.append(approval)
    log.info("governance_pending_approved", approvals=len(recorded))
    return recorded


async def apply(
    sources: GovernanceSources,
    state: CatalogStatePort,
    approvals: ApprovalPort,
    hub: HubPort,
    *,
    applied_by: str,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> ApplyOutcome:
    """Make the hub run the catalog, all or nothing; see the module docstring."""
    catalog = load_catalog(sources.catalog_dir)
    result = await lint(sources, catalog)
    if has_errors(result.findings):
        errors = sum(1 for finding in result.findings if finding.severity == "error")
        raise LintFailedError(
            f"the catalog has {errors} policy errors: fix them (healthbridge lint) first",
            details={"errors": errors},
        )
    view = await plan(sources, state, approvals, catalog)
    if view.plan.empty:
        return ApplyOutcome((), None)
    if view.blocked:
        missing = {s.item.change_id: list(s.missing) for s in view.blocked}
        listed = "; ".join(
            f"{change} needs {', '.join(roles)}" for change, roles in missing.items()
        )
        raise ApprovalMissingError(
            f"not applied, approvals missing: {listed}", details={"missing": missing}
        )
    items = view.plan.items
    await apply_all_or_nothing(hub, items)
    upserts = {(i.kind, i.name): dict(i.new) for i in items if i.new is not None}
    removals: list[ResourceKey] = [(i.kind, i.name) for i in items if i.action == "remove"]
    try:
        revision = await state.commit(
            upserts=upserts,
            removals=removals,
            catalog_hash=view.plan.catalog_hash,
            applied_by=applied_by,
            at=now(),
        )
    except Exception:
        # The hub runs the new state but the store could not say so: put the hub back.
        await undo_all(hub, items)
        raise
    log.info("governance_catalog_applied", revision=revision.id, changes=len(items))
    return ApplyOutcome(items, revision)


async def portfolio(
    sources: GovernanceSources,
    *,
    as_of: date,
    slo: SloStatusPort | None = None,
    horizon_days: int = 180,
) -> Portfolio:
    """The portfolio of the catalog with its findings and SLO status."""
    catalog = load_catalog(sources.catalog_dir)
    result = await lint(sources, catalog)
    names = [entry.name for entry in catalog.of_kind("Integration")]
    statuses = await slo.status(names) if slo is not None else {}
    return build_portfolio(
        catalog, result.findings, as_of=as_of, slo_status=statuses, horizon_days=horizon_days
    )
