"""The plan lists what changes, judges contract changes, and names the approvals needed."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from healthbridge.governance.catalog import catalog_from_texts, example_texts
from healthbridge.governance.plan import (
    APPLY_ORDER,
    ResourceKey,
    desired_resources,
    make_plan,
)

Resources = dict[ResourceKey, dict[str, Any]]


def _desired() -> Resources:
    texts = {n: t for n, t in example_texts().items() if n.endswith(".yaml")}
    return desired_resources(catalog_from_texts(texts))


def _contract(name: str, version: str, properties: Mapping[str, Any], required: list[str]) -> Any:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:healthbridge:contract:{name}:{version}",
        "version": version,
        "type": "object",
        "properties": dict(properties),
        "required": required,
        "additionalProperties": False,
    }


V1 = _contract("Charge", "1.0.0", {"id": {"type": "string"}, "amount": {"type": "number"}}, ["id"])
V2_BREAKING = _contract("Charge", "2.0.0", {"id": {"type": "string"}}, ["id"])
V1_1_ADDITIVE = _contract(
    "Charge",
    "1.1.0",
    {"id": {"type": "string"}, "amount": {"type": "number"}, "note": {"type": "string"}},
    ["id"],
)
CONTRACTS = {
    ("Charge", "1.0.0"): V1,
    ("Charge", "2.0.0"): V2_BREAKING,
    ("Charge", "1.1.0"): V1_1_ADDITIVE,
}


def _lookup(name: str, version: str) -> Mapping[str, Any] | None:
    return CONTRACTS.get((name, version))


def _with_charge_version(resources: Resources, version: str) -> Resources:
    changed = copy.deepcopy(resources)
    spec = changed[("Integration", "charge-capture")]["spec"]
    spec["contracts"] = [
        {"name": "Charge", "version": version} if c["name"] == "Charge" else c
        for c in spec["contracts"]
    ]
    return changed


def test_a_first_plan_adds_everything_in_apply_order_without_policies() -> None:
    desired = _desired()
    plan = make_plan(desired, {})
    assert {item.action for item in plan.items} == {"add"}
    kinds = [item.kind for item in plan.items]
    assert "Policy" not in kinds
    assert kinds == sorted(kinds, key=APPLY_ORDER.index)
    assert plan.get("SLO/patient-registration") is not None
    integration = plan.get("Integration/patient-registration")
    assert integration is not None
    assert integration.new is not None
    assert "slos" not in integration.new["spec"], "SLOs are a resource of their own"


def test_applying_the_same_catalog_again_plans_nothing() -> None:
    desired = _desired()
    assert make_plan(desired, copy.deepcopy(desired)).empty


def test_a_change_lists_each_field_that_differs() -> None:
    applied = _desired()
    desired = copy.deepcopy(applied)
    desired[("Consumer", "ehr-gateway")]["spec"]["scopes"] = ["system/Location.rs"]
    desired[("SLO", "charge-capture")]["objectives"]["availability"] = 99.95
    plan = make_plan(desired, applied)
    consumer = plan.get("Consumer/ehr-gateway")
    slo = plan.get("SLO/charge-capture")
    assert consumer is not None
    assert slo is not None
    assert [(f.path, f.new) for f in consumer.fields] == [("spec.scopes", ["system/Location.rs"])]
    assert [(f.path, f.old, f.new) for f in slo.fields] == [
        ("objectives.availability", 99.9, 99.95)
    ]
    assert slo.approvals == ("owner", "on-call"), "charge-capture is tier 1"
    assert consumer.approvals == ()


def test_removals_come_first_and_dependents_before_what_they_depend_on() -> None:
    applied = _desired()
    desired = {
        key: doc
        for key, doc in applied.items()
        if key not in {("Subscription", "medline-orders"), ("WebhookEndpoint", "medline-orders")}
    }
    plan = make_plan(desired, applied)
    assert [item.change_id for item in plan.items] == [
        "Subscription/medline-orders",
        "WebhookEndpoint/medline-orders",
    ]
    assert all(item.action == "remove" for item in plan.items)


def test_a_breaking_contract_version_needs_the_governance_board() -> None:
    applied = _desired()
    plan = make_plan(_with_charge_version(applied, "2.0.0"), applied, contracts=_lookup)
    item = plan.get("Integration/charge-capture")
    assert item is not None
    (change,) = item.contracts
    assert (change.name, change.old_version, change.new_version) == ("Charge", "1.0.0", "2.0.0")
    assert change.verdict == "breaking"
    assert "property_removed" in change.detail or "removed" in change.detail
    assert item.breaking
    assert item.approvals[0] == "governance-board"


def test_an_additive_contract_version_needs_no_board() -> None:
    applied = _desired()
    plan = make_plan(_with_charge_version(applied, "1.1.0"), applied, contracts=_lookup)
    item = plan.get("Integration/charge-capture")
    assert item is not None
    assert [c.verdict for c in item.contracts] == ["additive"]
    assert "governance-board" not in item.approvals
    assert not item.breaking


def test_a_version_without_a_committed_file_cannot_be_classified_and_says_so() -> None:
    applied = _desired()
    plan = make_plan(_with_charge_version(applied, "3.0.0"), applied, contracts=_lookup)
    item = plan.get("Integration/charge-capture")
    assert item is not None
    (change,) = item.contracts
    assert change.verdict == "unverified"
    assert "only one version is committed" in change.detail
    assert "governance-board" in item.approvals


def test_a_new_external_consumer_needs_security() -> None:
    applied = _desired()
    desired = copy.deepcopy(applied)
    desired[("Consumer", "analytics-warehouse")]["spec"]["external"] = True
    plan = make_plan(desired, applied)
    consumer = plan.get("Consumer/analytics-warehouse")
    assert consumer is not None
    assert consumer.approvals == ("security",)


def test_an_integration_turned_external_needs_security() -> None:
    applied = _desired()
    desired = copy.deepcopy(applied)
    desired[("Integration", "inventory-reporting")]["spec"]["exposure"] = "external"
    item = make_plan(desired, applied).get("Integration/inventory-reporting")
    assert item is not None
    assert item.approvals == ("security",)


def test_removing_a_consumed_integration_needs_the_board() -> None:
    applied = _desired()
    desired = {k: v for k, v in applied.items() if k != ("Integration", "ward-supply-requests")}
    item = make_plan(desired, applied).get("Integration/ward-supply-requests")
    assert item is not None
    assert item.action == "remove"
    assert item.approvals == ("governance-board",)


def test_the_item_hash_changes_when_the_change_does() -> None:
    applied = _desired()
    one = make_plan(_with_charge_version(applied, "1.1.0"), applied, contracts=_lookup)
    two = make_plan(_with_charge_version(applied, "2.0.0"), applied, contracts=_lookup)
    first, second = one.get("Integration/charge-capture"), two.get("Integration/charge-capture")
    assert first is not None
    assert second is not None
    assert first.item_hash != second.item_hash
    again = make_plan(_with_charge_version(applied, "1.1.0"), applied, contracts=_lookup)
    assert again.get("Integration/charge-capture").item_hash == first.item_hash  # type: ignore[union-attr]
