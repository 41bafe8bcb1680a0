"""The plan: what applying the catalog would change in the running hub, and who must approve.

:func:`desired_resources` turns a catalog into the resources the hub runs (Policy
manifests are lint-only and are not applied; each Integration's SLOs become an ``SLO``
resource of their own, so an SLO change is visible and applied by itself).
:func:`make_plan` compares them with what was applied and lists, for every resource
added, changed or removed, the field-level changes, the contract changes judged by the
contract classifier, and the approvals the change needs.

Approval rules (documented in the report and the ``plan`` help):

- ``governance-board``: a contract change that is breaking, or cannot be classified
  (only one of the two versions is committed), or a contract dropped from an
  integration; removing an integration that still has consumers.
- ``security``: a new external exposure: an integration added as, or changed to,
  external or given an external consumer; a consumer added as, or changed to, external;
  a webhook endpoint added or pointed at a new URL.
- ``owner`` and ``on-call``: any change to a tier-1 integration, its SLOs, or the
  subscriptions and schedules that feed it.

An approval is bound to the item's hash (its old and new content): change the catalog
after approving and the approval no longer counts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from healthbridge.governance.catalog.loader import Catalog
from healthbridge.governance.catalog.models import manifest_document
from healthbridge.governance.compatibility import classify

Action = Literal["add", "change", "remove"]
ResourceKey = tuple[str, str]
ContractLookup = Callable[[str, str], Mapping[str, Any] | None]
"""``(name, version) -> contract document``, or None when that version is not committed."""

ROLES: tuple[str, ...] = ("governance-board", "security", "owner", "on-call")
APPLY_ORDER: tuple[str, ...] = (
    "Consumer",
    "Integration",
    "SLO",
    "WebhookEndpoint",
    "Subscription",
    "Schedule",
    "Deprecation",
)
"""Kinds in the order they are registered; removals run in the reverse order."""

BLOCKING_VERDICTS = frozenset({"breaking", "removed", "unverified"})


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field that differs between the applied and the desired resource."""

    path: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class ContractChange:
    """A contract whose version an integration uses changed, with the classifier's verdict."""

    name: str
    old_version: str | None
    new_version: str | None
    verdict: str
    detail: str


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One resource to add, change or remove, and the approvals it needs."""

    kind: str
    name: str
    action: Action
    old: Mapping[str, Any] | None
    new: Mapping[str, Any] | None
    fields: tuple[FieldChange, ...] = ()
    contracts: tuple[ContractChange, ...] = ()
    approvals: tuple[str, ...] = ()
    reasons: tuple[str, ...] = field(default=())

    @property
    def change_id(self) -> str:
        """What ``approve`` takes: ``Kind/name``."""
        return f"{self.kind}/{self.name}"

    @property
    def item_hash(self) -> str:
        """SHA-256 of the change itself (kind, name, action, old and new content)."""
        return _hash(
            {
                "kind": self.kind,
                "name": self.name,
                "action": self.action,
                "old": resource_hash(self.old),
                "new": resource_hash(self.new),
            }
        )

    @property
    def breaking(self) -> bool:
        """True when a contract change needs the governance board."""
        return any(change.verdict in BLOCKING_VERDICTS for change in self.contracts)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view for ``plan --format json``."""
        return {
            "change": self.change_id,
            "action": self.action,
            "hash": self.item_hash,
            "fields": [{"path": f.path, "old": f.old, "new": f.new} for f in self.fields],
            "contracts": [
                {
                    "name": c.name,
                    "old_version": c.old_version,
                    "new_version": c.new_version,
                    "verdict": c.verdict,
                    "detail": c.detail,
                }
                for c in self.contracts
            ],
            "approvals": list(self.approvals),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class Plan:
    """Every change, in apply order, and the hash of the catalog it was made from."""

    items: tuple[PlanItem, ...]
    catalog_hash: str

    @property
    def empty(self) -> bool:
        """True when the hub already runs exactly the catalog."""
        return not self.items

    def get(self, change_id: str) -> PlanItem | None:
        """The item with this ``Kind/name``, or None."""
        return next((item for item in self.items if item.change_id == change_id), None)


def resource_hash(document: Mapping[str, Any] | None) -> str:
    """SHA-256 of a resource's canonical JSON; empty for no resource."""
    return "" if document is None else _hash(document)


def desired_resources(catalog: Catalog) -> dict[ResourceKey, dict[str, Any]]:
    """The resources the catalog asks the hub to run, keyed by (kind, name)."""
    resources: dict[ResourceKey, dict[str, Any]] = {}
    for entry in catalog:
        if entry.kind == "Policy":
            continue
        document = manifest_document(entry.manifest)
        if entry.kind == "Integration":
            spec = dict(document["spec"])
            slos = spec.pop("slos", None)
            document = {**document, "spec": spec}
            if slos is not None:
                resources[("SLO", entry.name)] = {
                    "integration": entry.name,
                    "tier": spec["tier"],
                    "latency_class": spec["latency_class"],
                    "objectives": slos,
                }
        resources[(entry.kind, entry.name)] = document
    return resources


def catalog_hash(resources: Mapping[ResourceKey, Mapping[str, Any]]) -> str:
    """SHA-256 over every desired resource: the identity of one catalog revision."""
    return _hash({f"{kind}/{name}": doc for (kind, name), doc in sorted(resources.items())})


def make_plan(
    desired: Mapping[ResourceKey, Mapping[str, Any]],
    applied: Mapping[ResourceKey, Mapping[str, Any]],
    *,
    contracts: ContractLookup | None = None,
) -> Plan:
    """What must change for the hub to run ``desired`` instead of ``applied``."""
    lookup = contracts or (lambda _name, _version: None)
    items: list[PlanItem] = []
    for key in sorted(set(desired) | set(applied), key=_order):
        old, new = applied.get(key), desired.get(key)
        if old is not None and new is not None and resource_hash(old) == resource_hash(new):
            continue
        action: Action = "add" if old is None else "remove" if new is None else "change"
        items.append(
            _item(key, action, old=old, new=new, desired=desired, applied=applied, lookup=lookup)
        )
    removals = [item for item in items if item.action == "remove"]
    others = [item for item in items if item.action != "remove"]
    removals.sort(key=lambda item: -APPLY_ORDER.index(item.kind))
    return Plan(tuple(removals + others), catalog_hash(desired))


def field_changes(old: Any, new: Any, path: str = "") -> list[FieldChange]:
    """Leaf-level differences between two JSON values (lists compare whole)."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        changes: list[FieldChange] = []
        for key in sorted(set(old) | set(new), key=str):
            child = f"{path}.{key}" if path else str(key)
            changes.extend(field_changes(old.get(key), new.get(key), child))
        return changes
    return [] if old == new else [FieldChange(path, old, new)]


def contract_changes(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]], lookup: ContractLookup
) -> list[ContractChange]:
    """Every contract added, dropped or moved to another version, judged by the classifier."""
    before = {str(c["name"]): str(c["version"]) for c in old}
    after = {str(c["name"]): str(c["version"]) for c in new}
    changes: list[ContractChange] = []
    for name in sorted(set(before) | set(after)):
        was, now = before.get(name), after.get(name)
        if was == now:
            continue
        if was is None:
            changes.append(ContractChange(name, None, now, "added", "contract newly used"))
        elif now is None:
            changes.append(
                ContractChange(name, was, None, "removed", "consumers lose this contract")
            )
        else:
            changes.append(_judge(name, was, now, lookup))
    return changes


def _judge(name: str, was: str, now: str, lookup: ContractLookup) -> ContractChange:
    old_doc, new_doc = lookup(name, was), lookup(name, now)
    if old_doc is None or new_doc is None:
        missing = was if old_doc is None else now
        return ContractChange(
            name,
            was,
            now,
            "unverified",
            f"only one version is committed ({name} {missing} is not): cannot classify,"
            " treated as breaking",
        )
    report = classify(old_doc, new_doc)
    worst = next((r for r in report.reasons if r.effect == report.verdict), None)
    detail = f"{worst.kind} at {worst.path or '/'}" if worst else "no difference in the data"
    return ContractChange(name, was, now, report.verdict, detail)


def _item(
    key: ResourceKey,
    action: Action,
    *,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    desired: Mapping[ResourceKey, Mapping[str, Any]],
    applied: Mapping[ResourceKey, Mapping[str, Any]],
    lookup: ContractLookup,
) -> PlanItem:
    kind, name = key
    fields = tuple(field_changes(old or {}, new or {}))
    contracts: tuple[ContractChange, ...] = ()
    if kind == "Integration" and action == "change":
        contracts = tuple(
            contract_changes(
                _spec(old).get("contracts", []), _spec(new).get("contracts", []), lookup
            )
        )
    needs: dict[str, str] = {}
    _board(kind, action, old, contracts, needs)
    _security(kind, action, old=old, new=new, desired=desired, needs=needs)
    _tier_one(kind, old=old, new=new, desired=desired, applied=applied, needs=needs)
    roles = tuple(role for role in ROLES if role in needs)
    reasons = tuple(f"{role}: {needs[role]}" for role in roles)
    return PlanItem(kind, name, action, old, new, fields, contracts, roles, reasons)


def _board(
    kind: str,
    action: Action,
    old: Mapping[str, Any] | None,
    contracts: Sequence[ContractChange],
    needs: dict[str, str],
) -> None:
    blocking = [c for c in contracts if c.verdict in BLOCKING_VERDICTS]
    if blocking:
        names = ", ".join(f"{c.name} {c.verdict}" for c in blocking)
        needs["governance-board"] = f"contract change ({names})"
    if kind == "Integration" and action == "remove" and _spec(old).get("consumers"):
        needs["governance-board"] = "removes an integration that still has consumers"


def _security(
    kind: str,
    action: Action,
    *,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    desired: Mapping[ResourceKey, Mapping[str, Any]],
    needs: dict[str, str],
) -> None:
    if new is None:
        return
    spec, before = _spec(new), _spec(old)
    if kind == "Integration":
        external_now = spec.get("exposure") == "external" or _has_external(spec, desired)
        external_before = old is not None and (
            before.get("exposure") == "external" or _has_external(before, desired)
        )
        new_external = [
            c
            for c in spec.get("consumers", [])
            if c not in before.get("consumers", []) and _external(c, desired)
        ]
        if external_now and (not external_before or (old is not None and new_external)):
            needs["security"] = "new external exposure"
    elif kind == "Consumer" and spec.get("external") and not before.get("external"):
        needs["security"] = "new external consumer"
    elif kind == "WebhookEndpoint" and (action == "add" or spec.get("url") != before.get("url")):
        needs["security"] = "webhooks leave the hub for a new URL"


def _tier_one(
    kind: str,
    *,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    desired: Mapping[ResourceKey, Mapping[str, Any]],
    applied: Mapping[ResourceKey, Mapping[str, Any]],
    needs: dict[str, str],
) -> None:
    tiers: list[Any] = []
    for document in (old, new):
        if document is None:
            continue
        if kind == "Integration":
            tiers.append(_spec(document).get("tier"))
        elif kind == "SLO":
            tiers.append(document.get("tier"))
        elif kind in ("Subscription", "Schedule"):
            target = _spec(document).get("integration")
            for resources in (desired, applied):
                integration = resources.get(("Integration", str(target)))
                if integration is not None:
                    tiers.append(_spec(integration).get("tier"))
    if 1 in tiers:
        needs["owner"] = "changes a tier-1 integration"
        needs["on-call"] = "changes a tier-1 integration"


def _has_external(
    spec: Mapping[str, Any], desired: Mapping[ResourceKey, Mapping[str, Any]]
) -> bool:
    return any(_external(name, desired) for name in spec.get("consumers", []))


def _external(consumer: str, desired: Mapping[ResourceKey, Mapping[str, Any]]) -> bool:
    document = desired.get(("Consumer", consumer))
    return bool(document is not None and _spec(document).get("external"))


def _spec(document: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if document is None:
        return {}
    spec = document.get("spec")
    return spec if isinstance(spec, Mapping) else {}


def _order(key: ResourceKey) -> tuple[int, str]:
    kind, name = key
    return (APPLY_ORDER.index(kind) if kind in APPLY_ORDER else len(APPLY_ORDER), name)


def _hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
