"""The manifest kinds of the integration catalog, as frozen pydantic models.

Every manifest has ``apiVersion``, ``kind``, ``metadata`` (a name unique per kind) and a
``spec`` whose shape depends on the kind. The models are the single source of the JSON
Schemas published under ``schemas/catalog/`` and of what the policy rules see: a
manifest is dumped with every default filled in, so a rule never trips over a missing key.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from healthbridge.canonical.classification import DataClass

API_VERSION = "healthbridge.io/v1"
"""The one catalog API version this release reads and writes."""

Name = Annotated[
    str,
    Field(
        min_length=1,
        max_length=63,
        pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$",
        description="Lower-case letters, digits and dashes; unique per kind.",
    ),
]
Pattern = Literal["api", "webhook", "event", "batch"]
LatencyClass = Literal["real-time", "near-real-time", "batch"]
Severity = Literal["error", "warning", "note"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Metadata(_Frozen):
    """Who the manifest is: its name and free labels."""

    name: Name
    description: str | None = Field(None, description="One sentence a reviewer reads first.")
    labels: dict[str, str] = Field(default_factory=dict, description="Free key/value tags.")


class Owner(_Frozen):
    """The team that answers for an integration, and how to reach it at night."""

    team: str = Field(..., min_length=1, description="The owning team.")
    on_call: str | None = Field(
        None, description="On-call contact: a rota, pager or mail address (no personal phone)."
    )


class Slos(_Frozen):
    """Service level objectives; the observability area turns these into burn-rate alerts."""

    availability: float | None = Field(
        None, gt=0, le=100, description="Target availability in percent, e.g. 99.9."
    )
    latency_p99_ms: int | None = Field(None, gt=0, description="99th percentile latency bound.")
    freshness_seconds: int | None = Field(
        None, gt=0, description="How stale data may be at most (read models, batch)."
    )


class ContractRef(_Frozen):
    """A contract (a folder under ``contracts/``) at one committed version."""

    name: str = Field(..., min_length=1, description="Contract name, e.g. SupplyOrder.")
    version: str = Field(..., pattern=r"^\d+\.\d+\.\d+$", description="Semantic version.")


class Controls(_Frozen):
    """The architecture controls an integration declares it has."""

    dead_letter: bool = Field(False, description="Failed messages go to a dead-letter queue.")
    idempotency: bool = Field(False, description="Retries cannot duplicate an effect.")
    encryption: bool = Field(False, description="Sensitive fields are encrypted at rest.")
    audit: bool = Field(False, description="Every exchange lands in the audit log.")
    projection: bool = Field(
        False, description="Each consumer sees only the minimum necessary fields."
    )
    thin_webhooks: bool = Field(
        False, description="Webhooks carry identifiers only; receivers fetch what they may see."
    )
    reconciliation: str | None = Field(
        None, description="How a batch run is reconciled (counts, checksums, per-record diff)."
    )
    approval: str | None = Field(
        None, description="Reference of the approval for an external exposure (e.g. GOV-142)."
    )


class IntegrationSpec(_Frozen):
    """One integration: who owns it, how it flows, what it carries and what it promises."""

    owner: Owner
    domain: str = Field(..., min_length=1, description="Business domain, e.g. supply-chain.")
    systems_of_record: list[str] = Field(
        default_factory=list, description="Systems that own the data exchanged."
    )
    pattern: Pattern
    tier: int = Field(..., ge=1, le=3, description="Criticality: 1 is most critical.")
    latency_class: LatencyClass
    latency_justification: str | None = Field(
        None, description="Why this latency class is needed (required for real-time)."
    )
    exposure: Literal["internal", "external"] = Field(
        "internal", description="external: a party outside the group reaches it."
    )
    slos: Slos | None = None
    data_classes: list[DataClass] = Field(default_factory=list)
    consumers: list[str] = Field(default_factory=list, description="Consumer manifest names.")
    contracts: list[ContractRef] = Field(default_factory=list)
    runbook: str | None = Field(None, description="URL of the runbook.")
    odoo_credential: str | None = Field(
        None, description="The Odoo login the hub uses for this integration (never an admin)."
    )
    controls: Controls = Field(default_factory=Controls)


class ConsumerSpec(_Frozen):
    """A machine identity that calls the hub or receives from it."""

    owner: str = Field(..., min_length=1, description="The team or partner it belongs to.")
    scopes: list[str] = Field(default_factory=list, description="Scopes, e.g. system/Patient.rs")
    purpose_of_use: str = Field(..., min_length=1, description="Why it needs the data.")
    environment: Literal["production", "staging", "test", "development"] = "production"
    external: bool = Field(False, description="Outside the hospital group.")
    route: Literal["hub", "direct"] = Field(
        "hub", description="direct: it reaches Odoo without the hub (point-to-point)."
    )
    odoo_login: str | None = Field(
        None, description="An Odoo login it uses directly (only with route: direct)."
    )


class WebhookEndpointSpec(_Frozen):
    """Where a consumer receives signed webhooks."""

    consumer: str
    url: str = Field(..., min_length=1)
    event_types: list[str] = Field(default_factory=list)
    thin: bool = Field(True, description="Identifiers only, never the changed data.")
    data_classes: list[DataClass] = Field(default_factory=list)
    secret_ref: str | None = Field(
        None, description="Name of the signing secret in the secret store (never the value)."
    )


class SubscriptionSpec(_Frozen):
    """A consumer's durable subscription to an integration's events."""

    consumer: str
    integration: str
    event_types: list[str] = Field(default_factory=list)
    delivery: Literal["webhook", "pull", "workflow"] = "webhook"
    endpoint: str | None = Field(None, description="WebhookEndpoint name for webhook delivery.")
    dead_letter: bool = True


class ScheduleSpec(_Frozen):
    """When a batch integration runs."""

    integration: str
    cron: str = Field(
        ...,
        pattern=r"^(\S+\s+){4}\S+$",
        description="Five-field cron expression, e.g. '0 2 * * *'.",
    )
    timezone: str = "UTC"
    job: str = Field(..., min_length=1, description="The batch job it starts.")


class DeprecationSpec(_Frozen):
    """A contract version (or a whole integration) on its way out."""

    integration: str | None = None
    contract: str | None = None
    version: str = Field(..., min_length=1)
    announced: date
    sunset: date
    successor: str | None = Field(None, description="What to move to, e.g. SupplyOrder 2.0.0.")


class PolicyRule(_Frozen):
    """One CEL rule: ``expression`` must hold for every manifest of ``kinds`` where ``when``."""

    id: str = Field(..., pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$")
    severity: Severity = "error"
    kinds: list[str] = Field(default_factory=list, description="Empty: every kind.")
    when: str | None = Field(None, description="CEL guard; the rule applies only when true.")
    expression: str = Field(..., min_length=1, description="CEL; a finding when false.")
    message: str = Field(..., min_length=1)
    fix: str | None = None
    field: str | None = Field(None, description="Dotted path the finding points at.")


class PolicySpec(_Frozen):
    """The catalog's own rules, checked with the default ruleset."""

    rules: list[PolicyRule] = Field(default_factory=list)


class _Manifest(_Frozen):
    api_version: Literal["healthbridge.io/v1"] = Field("healthbridge.io/v1", alias="apiVersion")
    metadata: Metadata


class Integration(_Manifest):
    """An integration manifest."""

    kind: Literal["Integration"] = "Integration"
    spec: IntegrationSpec


class Consumer(_Manifest):
    """A consumer (machine identity) manifest."""

    kind: Literal["Consumer"] = "Consumer"
    spec: ConsumerSpec


class WebhookEndpoint(_Manifest):
    """A webhook endpoint manifest."""

    kind: Literal["WebhookEndpoint"] = "WebhookEndpoint"
    spec: WebhookEndpointSpec


class Subscription(_Manifest):
    """A subscription manifest."""

    kind: Literal["Subscription"] = "Subscription"
    spec: SubscriptionSpec


class Schedule(_Manifest):
    """A batch schedule manifest."""

    kind: Literal["Schedule"] = "Schedule"
    spec: ScheduleSpec


class Deprecation(_Manifest):
    """A deprecation manifest."""

    kind: Literal["Deprecation"] = "Deprecation"
    spec: DeprecationSpec


class Policy(_Manifest):
    """A policy manifest holding user rules."""

    kind: Literal["Policy"] = "Policy"
    spec: PolicySpec


Manifest = Integration | Consumer | WebhookEndpoint | Subscription | Schedule | Deprecation | Policy

MANIFEST_KINDS: dict[str, type[Manifest]] = {
    "Integration": Integration,
    "Consumer": Consumer,
    "WebhookEndpoint": WebhookEndpoint,
    "Subscription": Subscription,
    "Schedule": Schedule,
    "Deprecation": Deprecation,
    "Policy": Policy,
}
"""Kind name -> model, in the order reports and plans list them."""


def manifest_document(manifest: Manifest) -> dict[str, Any]:
    """The manifest as JSON data with every default filled in (what rules and plans see)."""
    return manifest.model_dump(mode="json", by_alias=True)
