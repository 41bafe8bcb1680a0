"""The default ruleset passes the example catalog and catches each control it encodes."""

from __future__ import annotations

import time
from typing import Any

import pytest

from healthbridge.governance.policy import DEFAULT_RULES, PolicyEngine
from tests.unit.governance_policy.conftest import (
    Documents,
    Mutation,
    catalog_of,
    committed,
    example_documents,
    find,
    lint,
)


def _spec(documents: Documents, kind: str, name: str) -> dict[str, Any]:
    spec: dict[str, Any] = find(documents, kind, name)["spec"]
    return spec


def _set(kind: str, name: str, path: str, value: Any) -> Mutation:
    def mutate(documents: Documents) -> None:
        node = _spec(documents, kind, name)
        *parents, last = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        if value is _DELETE:
            node.pop(last, None)
        else:
            node[last] = value

    return mutate


def _drop(kind: str, name: str) -> Mutation:
    def mutate(documents: Documents) -> None:
        for docs in documents.values():
            docs[:] = [d for d in docs if not (d["kind"] == kind and d["metadata"]["name"] == name)]

    return mutate


_DELETE = object()
PHI = ("Integration", "payer-claims")
TIER1 = ("Integration", "patient-registration")

CASES: dict[str, tuple[Mutation, str, str]] = {
    "HB001": (_set(*TIER1, "slos", _DELETE), "Integration", "patient-registration"),
    "HB002": (_set(*TIER1, "controls.dead_letter", False), *TIER1),
    "HB003": (_set(*TIER1, "controls.idempotency", False), *TIER1),
    "HB004": (_set(*TIER1, "runbook", "http://wiki/runbook"), *TIER1),
    "HB005": (_set(*TIER1, "owner.on_call", _DELETE), *TIER1),
    "HB010": (_set(*PHI, "controls.encryption", False), *PHI),
    "HB011": (_set(*PHI, "controls.audit", False), *PHI),
    "HB012": (_set(*PHI, "controls.projection", False), *PHI),
    "HB013": (_set(*PHI, "controls.thin_webhooks", False), *PHI),
    "HB014": (
        _set("WebhookEndpoint", "acme-payer-claims", "thin", False),
        "WebhookEndpoint",
        "acme-payer-claims",
    ),
    "HB020": (
        _set("Integration", "charge-capture", "odoo_credential", "admin"),
        "Integration",
        "charge-capture",
    ),
    "HB021": (_set("Consumer", "adt-feed", "odoo_login", "admin"), "Consumer", "adt-feed"),
    "HB030": (_set(*PHI, "controls.approval", _DELETE), *PHI),
    "HB031": (
        _set("WebhookEndpoint", "medline-orders", "url", "http://edi.medline.example/x"),
        "WebhookEndpoint",
        "medline-orders",
    ),
    "HB040": (
        _set("Integration", "ward-supply-requests", "latency_justification", _DELETE),
        "Integration",
        "ward-supply-requests",
    ),
    "HB050": (
        _set("Deprecation", "invoice-1-0", "sunset", "2026-11-15"),
        "Deprecation",
        "invoice-1-0",
    ),
    "HB051": (
        _set("Deprecation", "invoice-1-0", "contract", "NoSuchContract"),
        "Deprecation",
        "invoice-1-0",
    ),
    "HB060": (
        _set("Integration", "inventory-reporting", "controls.reconciliation", _DELETE),
        "Integration",
        "inventory-reporting",
    ),
    "HB061": (
        _drop("Schedule", "inventory-reporting-nightly"),
        "Integration",
        "inventory-reporting",
    ),
    "HB070": (
        _set("Consumer", "analytics-warehouse", "route", "direct"),
        "Consumer",
        "analytics-warehouse",
    ),
    "HB080": (
        _set("Integration", "charge-capture", "consumers", ["adt-feed", "ghost"]),
        "Integration",
        "charge-capture",
    ),
    "HB081": (
        _set("Subscription", "medline-orders", "consumer", "ghost"),
        "Subscription",
        "medline-orders",
    ),
    "HB082": (
        _set("WebhookEndpoint", "medline-orders", "consumer", "ghost"),
        "WebhookEndpoint",
        "medline-orders",
    ),
    "HB083": (
        _set("Subscription", "medline-orders", "integration", "ghost"),
        "Subscription",
        "medline-orders",
    ),
    "HB084": (
        _set("Schedule", "inventory-reporting-nightly", "integration", "ward-supply-requests"),
        "Schedule",
        "inventory-reporting-nightly",
    ),
    "HB085": (
        _set("Subscription", "acme-payer-claims", "endpoint", _DELETE),
        "Subscription",
        "acme-payer-claims",
    ),
    "HB086": (
        _set(
            "Integration", "charge-capture", "contracts", [{"name": "Charge", "version": "9.9.9"}]
        ),
        "Integration",
        "charge-capture",
    ),
    "HB087": (
        _set("Consumer", "adt-feed", "route", "direct"),
        "Integration",
        "patient-registration",
    ),
    "HOSP001": (
        _set("Integration", "charge-capture", "systems_of_record", []),
        "Integration",
        "charge-capture",
    ),
    "HOSP002": (
        _set("Consumer", "ehr-gateway", "scopes", ["system/*"]),
        "Consumer",
        "ehr-gateway",
    ),
}


def test_the_example_catalog_has_no_findings() -> None:
    result = lint(catalog_of(example_documents()))
    assert result.findings == ()
    assert result.evaluations > len(result.rules)


def test_every_default_rule_has_a_catalog_that_breaks_it() -> None:
    assert {rule.id for rule in DEFAULT_RULES} <= set(CASES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_each_rule_fires_with_its_id_on_the_manifest_that_breaks_it(
    documents: Documents, rule_id: str
) -> None:
    mutate, kind, name = CASES[rule_id]
    mutate(documents)
    findings = lint(catalog_of(documents)).findings
    fired = [f for f in findings if f.rule_id == rule_id]
    assert fired, f"{rule_id} did not fire; got {[f.rule_id for f in findings]}"
    mine = [f for f in fired if (f.kind, f.name) == (kind, name)]
    assert mine, f"{rule_id} fired on {[f.subject for f in fired]}, not {kind}/{name}"
    assert mine[0].file.endswith(".yaml")
    assert mine[0].line >= 1
    assert mine[0].fix


def test_a_finding_points_at_the_line_of_the_field_it_is_about(documents: Documents) -> None:
    _set(*PHI, "controls.encryption", False)(documents)
    catalog = catalog_of(documents)
    (finding,) = [f for f in lint(catalog).findings if f.rule_id == "HB010"]
    entry = catalog.get(*PHI)
    assert entry is not None
    assert finding.line == entry.line_of("spec.controls.encryption") != entry.line


def test_rules_skip_what_they_do_not_apply_to(documents: Documents) -> None:
    # A tier-3 flow needs no on-call contact; a non-PHI flow needs no encryption.
    _set("Integration", "inventory-reporting", "owner.on_call", _DELETE)(documents)
    _set("Integration", "ward-supply-requests", "controls.encryption", False)(documents)
    assert lint(catalog_of(documents)).findings == ()


def test_the_ruleset_evaluates_tens_of_thousands_of_rules_a_second() -> None:
    catalog = catalog_of(example_documents())
    engine = PolicyEngine.for_catalog(catalog)
    contracts = committed()
    evaluations = 0
    started = time.perf_counter()
    while time.perf_counter() - started < 0.3:
        evaluations += engine.evaluate(catalog, contracts=contracts).evaluations
    rate = evaluations / (time.perf_counter() - started)
    assert rate > 2_000, f"{rate:.0f} rule evaluations/s"
