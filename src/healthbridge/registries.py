"""The running hub's registries behind governance ``apply`` (``HubPort``).

What ``apply`` changes at once and what only the applied catalog state carries:

- **Consumers -> gateway clients: live.** A Consumer manifest is the client whose id is
  the manifest name, with its scopes, environment and purpose. Tokens are issued from
  this table, so a new or changed client counts from the next token request; removing
  a Consumer *disables* the client (never deletes it: the audit trail keeps naming it),
  and its tokens are refused within the gateway's short enabled-ids cache.
  A new client's secret is **never printed by apply** (apply runs in CI logs): it is
  generated, hashed and thrown away, and ``HubRegistries.created_clients`` names the
  clients so the operator gets a secret with ``healthbridge clients rotate-secret ID``.
- **Webhook endpoints -> webhooks registry: live.** The endpoint id is derived from the
  manifest name (a UUIDv5), so registering twice finds the same row. ``thin: false``
  means the full payload, allowed by the catalog. The intake reads enabled endpoints on
  every batch and the dispatcher caches them for a second (or is told at once through
  ``on_endpoints_changed``). Removing disables. The signing secret is generated and not
  printed either: ``healthbridge webhooks rotate-secret ID`` shows a new one.
- **Subscriptions: live through the endpoints, nothing else to register.** Webhook
  delivery already runs through the worker's one fan-out subscription, which routes
  every event to the enabled endpoints whose event types match; the Subscription's
  types are the endpoint's. No component reads ``event_subscriptions`` at start to make
  a durable consumer, so writing one there would promise what nothing does.
- **Integrations, SLOs, schedules, deprecations: applied state only.** Observability
  builds SLO objectives from the catalog (``objectives_from_catalog``), the gateway's
  Deprecation headers come from ``settings.gateway`` and batch schedules from the
  workflows' configuration; none has a registry to change while running. The applied
  catalog state in the store (``CatalogState``) is their source of truth, read when
  those components start.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.core.clock import utc_now
from healthbridge.core.errors import ConflictError, InvalidRequestError
from healthbridge.governance.applied import Approval
from healthbridge.security.audit_chain import AuditRecord
from healthbridge.services import governance
from healthbridge.services.governance import ApplyOutcome, GovernanceSources
from healthbridge.services.governance_ports import ResourceRegistry
from healthbridge.store.approvals import Approvals
from healthbridge.store.audit_log import AuditLog
from healthbridge.store.catalog_state import CatalogState
from healthbridge.store.clients import ClientRegistry
from healthbridge.store.security_schema import gateway_clients
from healthbridge.store.webhook_endpoints import EndpointRecord, WebhookEndpoints
from healthbridge.webhooks.signing import generate_secret
from healthbridge.webhooks.subscriptions import check_pattern

log = structlog.get_logger(__name__)

CLIENT_ENVIRONMENT: dict[str, str] = {
    "production": "prod",
    "staging": "test",
    "test": "test",
    "development": "dev",
}
"""Catalog environment -> the gateway's (which has no staging: it is a test environment)."""

_ENDPOINT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://healthbridge.io/catalog/webhook")
REMOVED_REASON = "catalog"
"""``disabled_reason`` of an endpoint the catalog removed."""


def endpoint_id(name: str) -> str:
    """The webhook endpoint id of the catalog's WebhookEndpoint ``name`` (stable)."""
    return str(uuid.uuid5(_ENDPOINT_NAMESPACE, name))


def _spec(document: Mapping[str, Any]) -> Mapping[str, Any]:
    spec = document.get("spec")
    if not isinstance(spec, Mapping):
        raise InvalidRequestError("a manifest document has no spec")
    return spec


class ConsumerClients:
    """Consumer manifests as gateway clients (client id = manifest name); see the module."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._clients = ClientRegistry(engine)
        self.created: list[str] = []
        """Client ids made by this object that still need a secret shown (rotate-secret)."""

    async def register(self, name: str, document: Mapping[str, Any]) -> None:
        """Create the client, or make the existing one match and enable it."""
        spec = _spec(document)
        scopes = sorted(str(scope) for scope in spec.get("scopes", []))
        environment = CLIENT_ENVIRONMENT[str(spec.get("environment", "production"))]
        purpose = str(spec["purpose_of_use"])[:64]
        if await self._clients.get(name) is None:
            try:
                # The secret is dropped: apply never prints one (see the module docstring).
                await self._clients.add(
                    name, scopes=scopes, environment=environment, purpose=purpose, client_id=name
                )
            except ConflictError:
                pass  # made meanwhile by another apply: make it match below
            else:
                self.created.append(name)
                log.info("catalog_client_created", client_id=name)
                return
        await self._set(name, scopes=scopes, environment=environment, purpose=purpose)

    async def update(
        self, name: str, document: Mapping[str, Any], previous: Mapping[str, Any]
    ) -> None:
        """Give the client the new scopes, environment and purpose (creates it if gone)."""
        await self.register(name, document)

    async def remove(self, name: str, previous: Mapping[str, Any]) -> None:
        """Disable the client (kept, so the audit trail still names it)."""
        client = await self._clients.get(name)
        if client is not None and client.enabled:
            await self._clients.set_enabled(name, False)
            log.info("catalog_client_disabled", client_id=name)
        if name in self.created:
            self.created.remove(name)

    async def _set(self, name: str, *, scopes: list[str], environment: str, purpose: str) -> None:
        statement = (
            update(gateway_clients)
            .where(gateway_clients.c.client_id == name)
            .values(
                scopes=scopes,
                environment=environment,
                purpose=purpose,
                enabled=True,
                updated_at=utc_now(),
            )
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)
        log.info("catalog_client_updated", client_id=name)


class CatalogEndpoints:
    """WebhookEndpoint manifests as webhook endpoints (id from the name); see the module."""

    def __init__(self, engine: AsyncEngine, *, on_change: Callable[[], None] | None = None) -> None:
        self._endpoints = WebhookEndpoints(engine)
        self._on_change = on_change or (lambda: None)
        self.created: list[str] = []
        """Endpoint ids made by this object (their signing secret is shown by rotate-secret)."""

    async def register(self, name: str, document: Mapping[str, Any]) -> None:
        """Create the endpoint, or make the existing one match and enable it."""
        values = _endpoint_values(document)
        key = endpoint_id(name)
        now = utc_now()
        if await self._endpoints.get(key) is None:
            record = EndpointRecord(
                id=key,
                secret=generate_secret(),
                previous_secret=None,
                previous_secret_expires_at=None,
                enabled=True,
                paused=False,
                ordering="none",
                owner_contact=None,
                description=f"catalog WebhookEndpoint {name}",
                failing_since=None,
                disabled_reason=None,
                created_at=now,
                updated_at=now,
                **values,
            )
            try:
                await self._endpoints.add(record)
            except IntegrityError:
                pass  # made meanwhile by another apply: make it match below
            else:
                self.created.append(key)
                log.info("catalog_endpoint_created", endpoint_id=key)
                self._on_change()
                return
        await self._change(key, enabled=True, disabled_reason=None, **values)

    async def update(
        self, name: str, document: Mapping[str, Any], previous: Mapping[str, Any]
    ) -> None:
        """New URL, types or payload; an endpoint an operator disabled stays disabled."""
        key = endpoint_id(name)
        if await self._endpoints.get(key) is None:
            await self.register(name, document)
            return
        await self._change(key, **_endpoint_values(document))

    async def remove(self, name: str, previous: Mapping[str, Any]) -> None:
        """Disable the endpoint: nothing more is recorded or sent to it."""
        key = endpoint_id(name)
        found = await self._endpoints.get(key)
        if found is not None and found.enabled:
            await self._change(key, enabled=False, disabled_reason=REMOVED_REASON)
        if key in self.created:
            self.created.remove(key)

    async def _change(self, key: str, **values: Any) -> None:
        await self._endpoints.change(key, utc_now(), **values)
        log.info("catalog_endpoint_changed", endpoint_id=key)
        self._on_change()


def _endpoint_values(document: Mapping[str, Any]) -> dict[str, Any]:
    spec = _spec(document)
    types = [check_pattern(str(pattern)) for pattern in spec.get("event_types", [])]
    if not types:
        raise InvalidRequestError("a WebhookEndpoint needs at least one event type")
    thin = bool(spec.get("thin", True))
    return {
        "consumer": str(spec["consumer"]),
        "url": str(spec["url"]),
        "event_types": tuple(types),
        "payload": "thin" if thin else "full",
        "full_payload_allowed": not thin,
    }


@dataclass(frozen=True, slots=True)
class StateOnly:
    """A kind with no registry to change while the hub runs: the applied state carries it.

    Every call succeeds and does nothing; ``reason`` says where the hub reads the kind.
    """

    kind: str
    reason: str

    async def register(self, name: str, document: Mapping[str, Any]) -> None:
        """Nothing to register: taken from the applied catalog state."""

    async def update(
        self, name: str, document: Mapping[str, Any], previous: Mapping[str, Any]
    ) -> None:
        """Nothing to update: taken from the applied catalog state."""

    async def remove(self, name: str, previous: Mapping[str, Any]) -> None:
        """Nothing to remove: taken from the applied catalog state."""


@dataclass(slots=True)
class HubRegistries:
    """``HubPort`` over the hub's real registries on ``engine``; see the module docstring.

    ``on_endpoints_changed`` is the webhooks dispatcher's ``endpoints_changed`` when the
    dispatcher runs in this process (it then sees a change at once, not within a second).
    """

    engine: AsyncEngine
    on_endpoints_changed: Callable[[], None] | None = None
    consumers: ConsumerClients = field(init=False)
    webhook_endpoints: CatalogEndpoints = field(init=False)
    subscriptions: ResourceRegistry = field(init=False)
    integrations: ResourceRegistry = field(init=False)
    slos: ResourceRegistry = field(init=False)
    schedules: ResourceRegistry = field(init=False)
    deprecations: ResourceRegistry = field(init=False)

    def __post_init__(self) -> None:
        self.consumers = ConsumerClients(self.engine)
        self.webhook_endpoints = CatalogEndpoints(self.engine, on_change=self.on_endpoints_changed)
        self.subscriptions = StateOnly(
            "Subscription", "delivered by the webhooks fan-out to the endpoint's event types"
        )
        self.integrations = StateOnly("Integration", "read from the applied catalog state")
        self.slos = StateOnly("SLO", "observability builds objectives from the catalog")
        self.schedules = StateOnly("Schedule", "workflows read schedules at start")
        self.deprecations = StateOnly("Deprecation", "gateway headers come from settings")

    @property
    def created_clients(self) -> Sequence[str]:
        """Clients this apply created, whose secret the operator still has to fetch."""
        return tuple(self.consumers.created)

    @property
    def created_endpoints(self) -> Sequence[str]:
        """Endpoint ids this apply created (their secret: ``webhooks rotate-secret``)."""
        return tuple(self.webhook_endpoints.created)

    @property
    def state_only_kinds(self) -> Sequence[str]:
        """The kinds apply records without a live registry call (next start)."""
        registries = (
            self.subscriptions,
            self.integrations,
            self.slos,
            self.schedules,
            self.deprecations,
        )
        return tuple(r.kind for r in registries if isinstance(r, StateOnly))


async def apply_catalog(
    engine: AsyncEngine,
    sources: GovernanceSources,
    *,
    applied_by: str,
    approve_pending_as: str | None = None,
    reason: str = "applied at start",
    on_endpoints_changed: Callable[[], None] | None = None,
) -> tuple[ApplyOutcome, HubRegistries]:
    """Apply the catalog to the hub on ``engine``: what a demo or a deploy runs at start.

    With ``approve_pending_as`` every approval still missing is first recorded in that
    name (one audit record per role, so the blanket approval shows); without it apply
    refuses changes that lack their approvals. Idempotent: nothing changed, nothing done.
    """
    state, approvals = CatalogState(engine), Approvals(engine)
    if approve_pending_as is not None:
        await governance.approve_pending(
            sources,
            state,
            approvals,
            approved_by=approve_pending_as,
            reason=reason,
            audit=ApprovalAudit(engine),
        )
    hub = HubRegistries(engine, on_endpoints_changed=on_endpoints_changed)
    outcome = await governance.apply(sources, state, approvals, hub, applied_by=applied_by)
    return outcome, hub


class ApprovalAudit:
    """Governance approvals appended to the gateway's hash-chained audit log.

    An approval becomes one audit entry naming who approved which plan item (by its id
    and hash) in which role; the reason stays in the approvals table, bound to the entry
    by the approval's id, so free text never enters the chain.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._log = AuditLog(engine)

    async def approval_recorded(self, approval: Approval) -> None:
        """Append one entry for ``approval``; the chain then proves it was not altered."""
        await self._log.append(
            [
                AuditRecord(
                    at=approval.approved_at,
                    method="APPROVE",
                    route=f"governance/{approval.role}/{approval.change_id}",
                    status=200,
                    outcome="ok",
                    trace_id=uuid.uuid4().hex,
                    principal_kind="user",
                    user=approval.approved_by,
                    records=(f"approval:{approval.id}", f"plan-item:{approval.item_hash}"),
                )
            ]
        )
