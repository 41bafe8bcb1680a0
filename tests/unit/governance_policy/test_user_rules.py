"""A catalog's own rules run with the defaults; a broken rule is a finding at its line."""

from __future__ import annotations

from healthbridge.governance.catalog import catalog_from_texts, example_texts
from healthbridge.governance.policy import RULE_FAILED, PolicyEngine
from tests.unit.governance_policy.conftest import committed

POLICY = """\
apiVersion: healthbridge.io/v1
kind: Policy
metadata:
  name: extra
spec:
  rules:
    - id: X001
      kinds: [Integration]
      expression: m.spec.tier ==
      message: never compiles
    - id: X002
      kinds: [Integration]
      expression: m.spec.no_such_field == 1
      message: fails at run time
    - id: X003
      kinds: [Consumer]
      expression: m.spec.owner
      message: not a boolean
    - id: X004
      kinds: [Gadget]
      expression: "true"
      message: unknown kind
    - id: X005
      severity: note
      kinds: [Integration]
      when: m.spec.tier == 3
      expression: m.spec.runbook != null
      message: even tier-3 flows should have a runbook
"""


def _catalog(extra: str) -> tuple[dict[str, str], PolicyEngine]:
    texts = {n: t for n, t in example_texts().items() if n.endswith(".yaml")}
    texts["extra.yaml"] = extra
    catalog = catalog_from_texts(texts)
    return texts, PolicyEngine.for_catalog(catalog)


def test_broken_user_rules_are_findings_at_their_own_line_and_the_rest_still_run() -> None:
    texts, engine = _catalog(POLICY)
    catalog = catalog_from_texts(texts)
    findings = engine.evaluate(catalog, contracts=committed()).findings
    failed = {f.message.split()[1]: f for f in findings if f.rule_id == RULE_FAILED}
    assert set(failed) == {"X001", "X002", "X003", "X004"}
    lines = POLICY.splitlines()
    for rule_id, finding in failed.items():
        assert finding.file == "extra.yaml"
        assert lines[finding.line - 1].strip() == f"- id: {rule_id}"
        assert finding.severity == "error"
    assert "does not compile" in failed["X001"].message
    assert "failed" in failed["X002"].message
    assert "did not return a boolean" in failed["X003"].message
    assert "unknown kinds Gadget" in failed["X004"].message
    notes = [f for f in findings if f.rule_id == "X005"]
    assert [f.name for f in notes] == ["inventory-reporting"]
    assert notes[0].severity == "note"


def test_a_rule_id_used_twice_is_reported_once_and_the_first_is_kept() -> None:
    duplicate = POLICY.split("    - id: X001", maxsplit=1)[0] + (
        "    - id: HB001\n      expression: 'false'\n      message: shadows a default\n"
    )
    _, engine = _catalog(duplicate)
    assert [r.id for r in engine.rules].count("HB001") == 1
    texts, _ = _catalog(duplicate)
    findings = engine.evaluate(catalog_from_texts(texts), contracts=committed()).findings
    assert [f.message for f in findings] == ["rule HB001 reuses an id another rule already has"]


def test_the_engine_can_run_only_the_catalogs_rules() -> None:
    texts = {n: t for n, t in example_texts().items() if n.endswith(".yaml")}
    catalog = catalog_from_texts(texts)
    engine = PolicyEngine.for_catalog(catalog, defaults=False)
    assert [rule.id for rule in engine.rules] == ["HOSP001", "HOSP002"]
