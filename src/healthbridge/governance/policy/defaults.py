"""The default ruleset: the architecture controls every catalog is held to.

Each rule is CEL over these variables:

- ``m``: the manifest being checked (``apiVersion``, ``kind``, ``metadata``, ``spec``),
  with every default filled in, so optional fields are ``null`` or ``[]``, never absent;
- ``catalog``: every manifest by kind and name: ``catalog.integrations``,
  ``catalog.consumers``, ``catalog.webhook_endpoints``, ``catalog.subscriptions``,
  ``catalog.schedules``, ``catalog.deprecations`` (maps of name -> manifest);
- ``contracts``: committed contract versions, name -> list of versions;
- ``odoo_admins``: Odoo logins that are administrators.

``expression`` must hold wherever ``when`` does; otherwise the rule fires with its id.
Ids are stable: CI suppressions and dashboards refer to them.
"""

from __future__ import annotations

from healthbridge.governance.catalog.models import PolicyRule

_TIER1 = "m.spec.tier == 1"
_PHI = '"phi" in m.spec.data_classes'
_I = ["Integration"]


def _rule(
    rule_id: str,
    kinds: list[str],
    expression: str,
    message: str,
    fix: str,
    *,
    when: str | None = None,
    field: str | None = None,
    severity: str = "error",
) -> PolicyRule:
    return PolicyRule.model_validate(
        {
            "id": rule_id,
            "kinds": kinds,
            "when": when,
            "expression": expression,
            "message": message,
            "fix": fix,
            "field": field,
            "severity": severity,
        }
    )


DEFAULT_RULES: tuple[PolicyRule, ...] = (
    _rule(
        "HB001",
        _I,
        "m.spec.slos != null && m.spec.slos.availability != null",
        "a tier-1 integration has no availability SLO",
        "add spec.slos.availability (e.g. 99.9) and a latency or freshness bound",
        when=_TIER1,
        field="spec.slos",
    ),
    _rule(
        "HB002",
        _I,
        "m.spec.controls.dead_letter",
        "a tier-1 integration has no dead-letter handling",
        "set spec.controls.dead_letter: true and route failures to a dead-letter queue",
        when=_TIER1,
        field="spec.controls.dead_letter",
    ),
    _rule(
        "HB003",
        _I,
        "m.spec.controls.idempotency",
        "a tier-1 integration does not declare idempotent processing",
        "use idempotency keys or upserts and set spec.controls.idempotency: true",
        when=_TIER1,
        field="spec.controls.idempotency",
    ),
    _rule(
        "HB004",
        _I,
        'm.spec.runbook != null && m.spec.runbook.startsWith("https://")',
        "a tier-1 integration has no runbook link",
        "set spec.runbook to the https URL of its runbook",
        when=_TIER1,
        field="spec.runbook",
    ),
    _rule(
        "HB005",
        _I,
        "m.spec.owner.on_call != null && size(m.spec.owner.on_call) > 0",
        "a tier-1 integration has no on-call contact",
        "set spec.owner.on_call to the team's rota or pager address",
        when=_TIER1,
        field="spec.owner",
    ),
    _rule(
        "HB010",
        _I,
        "m.spec.controls.encryption",
        "a flow carrying phi does not encrypt it at rest",
        "set spec.controls.encryption: true (field-level encryption of PHI)",
        when=_PHI,
        field="spec.controls.encryption",
    ),
    _rule(
        "HB011",
        _I,
        "m.spec.controls.audit",
        "a flow carrying phi is not audited",
        "set spec.controls.audit: true so every exchange lands in the audit log",
        when=_PHI,
        field="spec.controls.audit",
    ),
    _rule(
        "HB012",
        _I,
        "m.spec.controls.projection",
        "a flow carrying phi does not project to the minimum necessary",
        "set spec.controls.projection: true and give each consumer only its fields",
        when=_PHI,
        field="spec.controls.projection",
    ),
    _rule(
        "HB013",
        _I,
        "m.spec.controls.thin_webhooks",
        "a flow carrying phi sends webhooks that are not thin",
        "send identifiers only (spec.controls.thin_webhooks: true); receivers fetch the rest",
        when=_PHI
        + ' && (m.spec.pattern == "webhook" || catalog.subscriptions.exists(s,'
        + " catalog.subscriptions[s].spec.integration == m.metadata.name"
        + ' && catalog.subscriptions[s].spec.delivery == "webhook"))',
        field="spec.controls.thin_webhooks",
    ),
    _rule(
        "HB014",
        ["WebhookEndpoint"],
        "m.spec.thin",
        "a webhook endpoint receiving phi is not thin",
        "set spec.thin: true; the receiver fetches details through the gateway",
        when=_PHI,
        field="spec.thin",
    ),
    _rule(
        "HB020",
        _I,
        "m.spec.odoo_credential == null || !(m.spec.odoo_credential in odoo_admins)",
        "an integration uses an Odoo administrator credential",
        "give it a dedicated Odoo user with only the access rights it needs",
        field="spec.odoo_credential",
    ),
    _rule(
        "HB021",
        ["Consumer"],
        "m.spec.odoo_login == null || !(m.spec.odoo_login in odoo_admins)",
        "a consumer uses an Odoo administrator credential",
        "remove the admin login; consumers reach Odoo only through the hub",
        field="spec.odoo_login",
    ),
    _rule(
        "HB030",
        _I,
        "m.spec.controls.approval != null && size(m.spec.controls.approval) > 0",
        "an external exposure has no approval",
        "get the exposure approved and record its reference in spec.controls.approval",
        when='m.spec.exposure == "external" || m.spec.consumers.exists(c,'
        " c in catalog.consumers && catalog.consumers[c].spec.external)",
        field="spec.controls.approval",
    ),
    _rule(
        "HB031",
        ["WebhookEndpoint"],
        'm.spec.url.startsWith("https://")',
        "a webhook endpoint is not https",
        "use an https:// URL; signed webhooks still need transport encryption",
        field="spec.url",
    ),
    _rule(
        "HB040",
        _I,
        "m.spec.latency_justification != null && size(m.spec.latency_justification) >= 10",
        "a real-time integration has no justification",
        "say why near-real-time or batch is not enough in spec.latency_justification",
        when='m.spec.latency_class == "real-time"',
        field="spec.latency_class",
    ),
    _rule(
        "HB050",
        ["Deprecation"],
        'timestamp(string(m.spec.sunset) + "T00:00:00Z")'
        ' - timestamp(string(m.spec.announced) + "T00:00:00Z") >= duration("2160h")',
        "a deprecated version has a sunset less than 90 days after it was announced",
        "move spec.sunset to at least 90 days after spec.announced",
        field="spec.sunset",
    ),
    _rule(
        "HB051",
        ["Deprecation"],
        "(m.spec.integration != null && m.spec.integration in catalog.integrations)"
        " || (m.spec.contract != null && m.spec.contract in contracts)",
        "a deprecation names no known integration or contract",
        "set spec.integration to an Integration or spec.contract to a committed contract",
        field="spec",
    ),
    _rule(
        "HB060",
        _I,
        "m.spec.controls.reconciliation != null && size(m.spec.controls.reconciliation) > 0",
        "a batch flow does not define its reconciliation",
        "describe the reconciliation (counts, checksums, differences) in"
        " spec.controls.reconciliation",
        when='m.spec.pattern == "batch"',
        field="spec.controls.reconciliation",
    ),
    _rule(
        "HB061",
        _I,
        "catalog.schedules.exists(s, catalog.schedules[s].spec.integration == m.metadata.name)",
        "a batch flow has no Schedule",
        "add a Schedule manifest whose spec.integration names this integration",
        when='m.spec.pattern == "batch"',
        field="spec.pattern",
    ),
    _rule(
        "HB070",
        ["Consumer"],
        'm.spec.route == "hub" && m.spec.odoo_login == null',
        "a point-to-point consumer bypasses the hub",
        "route it through the hub (spec.route: hub) and retire its direct Odoo login",
        field="spec.route",
    ),
    _rule(
        "HB080",
        _I,
        "m.spec.consumers.all(c, c in catalog.consumers)",
        "an integration names a consumer that is not in the catalog",
        "add the Consumer manifest or fix the name in spec.consumers",
        field="spec.consumers",
    ),
    _rule(
        "HB081",
        ["Subscription"],
        "m.spec.consumer in catalog.consumers",
        "a subscription refers to an unknown consumer",
        "add the Consumer manifest or fix spec.consumer",
        field="spec.consumer",
    ),
    _rule(
        "HB082",
        ["WebhookEndpoint"],
        "m.spec.consumer in catalog.consumers",
        "a webhook endpoint refers to an unknown consumer",
        "add the Consumer manifest or fix spec.consumer",
        field="spec.consumer",
    ),
    _rule(
        "HB083",
        ["Subscription"],
        "m.spec.integration in catalog.integrations",
        "a subscription refers to an unknown integration",
        "add the Integration manifest or fix spec.integration",
        field="spec.integration",
    ),
    _rule(
        "HB084",
        ["Schedule"],
        "m.spec.integration in catalog.integrations"
        ' && catalog.integrations[m.spec.integration].spec.pattern == "batch"',
        "a schedule refers to an unknown or non-batch integration",
        "point spec.integration at an Integration with pattern: batch",
        field="spec.integration",
    ),
    _rule(
        "HB085",
        ["Subscription"],
        "m.spec.endpoint != null && m.spec.endpoint in catalog.webhook_endpoints"
        " && catalog.webhook_endpoints[m.spec.endpoint].spec.consumer == m.spec.consumer",
        "a webhook subscription has no endpoint of its consumer",
        "set spec.endpoint to a WebhookEndpoint owned by the same consumer",
        when='m.spec.delivery == "webhook"',
        field="spec.endpoint",
    ),
    _rule(
        "HB086",
        _I,
        "m.spec.contracts.all(c, c.name in contracts && c.version in contracts[c.name])",
        "an integration names a contract version that is not committed",
        "use a name and version from contracts/ (healthbridge contracts list)",
        field="spec.contracts",
    ),
    _rule(
        "HB087",
        _I,
        "m.spec.consumers.all(c, !(c in catalog.consumers)"
        ' || catalog.consumers[c].spec.route == "hub")',
        "an integration is consumed point-to-point, bypassing the hub",
        "move the consumer onto the hub (Consumer spec.route: hub)",
        field="spec.consumers",
    ),
)
"""The default rules, in id order."""
