"""The ports governance use cases need: the hub's registries, applied state, approvals.

``apply`` talks to the running hub only through :class:`HubPort`: one
:class:`ResourceRegistry` per kind of resource. The gateway's client registry
(consumers), the events area (subscriptions), the webhooks area (endpoints) and the
workflows area (schedules), plus observability (SLOs), each provide an adapter. Every
registry call receives plain manifest documents (``manifest_document`` output: the
manifest with defaults filled in; an ``SLO`` document is ``{"integration", "tier",
"latency_class", "objectives"}``), and ``update``/``remove`` also get the previous
document, so an adapter can undo a call exactly: ``apply`` relies on that to roll back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from healthbridge.governance.applied import AppliedResource, AppliedRevision, Approval
from healthbridge.governance.report.portfolio import SloStatusLike

ResourceKey = tuple[str, str]


class ResourceRegistry(Protocol):
    """Register, update or remove one kind of resource in the running hub.

    Each call must be idempotent (registering what is already registered with the same
    document succeeds), because a rollback or a retried apply may repeat it.
    """

    async def register(self, name: str, document: Mapping[str, Any]) -> None:
        """Make ``name`` exist with ``document``."""
        ...

    async def update(
        self, name: str, document: Mapping[str, Any], previous: Mapping[str, Any]
    ) -> None:
        """Replace ``previous`` with ``document``."""
        ...

    async def remove(self, name: str, previous: Mapping[str, Any]) -> None:
        """Make ``name`` no longer exist (it was ``previous``)."""
        ...


class HubPort(Protocol):
    """The running hub's registries, one per resource kind ``apply`` manages."""

    @property
    def consumers(self) -> ResourceRegistry:
        """Machine identities: OAuth clients and their scopes (gateway)."""
        ...

    @property
    def integrations(self) -> ResourceRegistry:
        """Integrations: routing, controls and contracts in force."""
        ...

    @property
    def slos(self) -> ResourceRegistry:
        """SLO objectives and burn-rate alerts (observability)."""
        ...

    @property
    def webhook_endpoints(self) -> ResourceRegistry:
        """Webhook endpoints (webhooks)."""
        ...

    @property
    def subscriptions(self) -> ResourceRegistry:
        """Durable event subscriptions (events)."""
        ...

    @property
    def schedules(self) -> ResourceRegistry:
        """Batch schedules (workflows)."""
        ...

    @property
    def deprecations(self) -> ResourceRegistry:
        """Deprecation and Sunset headers (gateway)."""
        ...


class CatalogStatePort(Protocol):
    """What the hub has applied: the source of truth ``plan`` compares the catalog with."""

    async def applied(self) -> dict[ResourceKey, AppliedResource]:
        """Every applied resource by (kind, name)."""
        ...

    async def commit(
        self,
        *,
        upserts: Mapping[ResourceKey, Mapping[str, Any]],
        removals: Sequence[ResourceKey],
        catalog_hash: str,
        applied_by: str,
        at: datetime,
    ) -> AppliedRevision:
        """Record one apply atomically: all of it or, on any error, none of it."""
        ...

    async def latest_revision(self) -> AppliedRevision | None:
        """The last successful apply, or None before the first."""
        ...


class ApprovalPort(Protocol):
    """Where approvals are kept (until the hash-chained audit log holds them too)."""

    async def record(self, approval: Approval) -> Approval:
        """Store ``approval``; raises ``ConflictError`` if that role already approved it."""
        ...

    async def for_items(self, item_hashes: Sequence[str]) -> list[Approval]:
        """Every approval of these plan items."""
        ...

    async def latest(self, limit: int = 50) -> list[Approval]:
        """The most recent approvals, newest first."""
        ...


class ApprovalAuditPort(Protocol):
    """The audit log hook: told of every approval recorded (gateway's hash-chained log)."""

    async def approval_recorded(self, approval: Approval) -> None:
        """Append the approval to the tamper-evident audit log."""
        ...


class SloStatusPort(Protocol):
    """Current SLO status per integration (observability)."""

    async def status(self, integrations: Sequence[str]) -> Mapping[str, SloStatusLike]:
        """Status of each named integration that has one; others are left out."""
        ...
