"""Calling the hub's registries all or nothing: each call paired with the call that undoes it.

If a call fails, the calls already made are undone newest first; what could not be
undone is reported by name, never hidden. ``UnwiredHub`` stands in until the real
registries are adapted to ``HubPort``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog

from healthbridge.core.errors import UnavailableError
from healthbridge.governance.errors import GovernanceError
from healthbridge.governance.plan import PlanItem
from healthbridge.services.governance_ports import HubPort, ResourceRegistry

log = structlog.get_logger(__name__)

REGISTRY_OF_KIND: dict[str, str] = {
    "Consumer": "consumers",
    "Integration": "integrations",
    "SLO": "slos",
    "WebhookEndpoint": "webhook_endpoints",
    "Subscription": "subscriptions",
    "Schedule": "schedules",
    "Deprecation": "deprecations",
}
"""Plan kind -> the ``HubPort`` registry that applies it."""


class ApplyFailedError(UnavailableError):
    """A hub registry failed during apply; the calls made were undone (see ``rolled_back``)."""

    code = "governance.apply_failed"


_Step = Callable[[], Awaitable[None]]


def _calls(registry: ResourceRegistry, item: PlanItem) -> tuple[_Step, _Step]:
    """The call that applies ``item`` and the call that undoes it."""
    name, old, new = item.name, item.old, item.new
    if item.action == "add" and new is not None:
        return (lambda: registry.register(name, new)), (lambda: registry.remove(name, new))
    if item.action == "remove" and old is not None:
        return (lambda: registry.remove(name, old)), (lambda: registry.register(name, old))
    if old is None or new is None:
        raise GovernanceError(f"plan item {item.change_id} has no document to apply")
    return (lambda: registry.update(name, new, old)), (lambda: registry.update(name, old, new))


async def apply_all_or_nothing(hub: HubPort, items: Sequence[PlanItem]) -> None:
    done: list[tuple[PlanItem, _Step]] = []
    for item in items:
        forward, backward = _calls(getattr(hub, REGISTRY_OF_KIND[item.kind]), item)
        try:
            await forward()
        except Exception as error:
            failures = await _rollback(done)
            log.warning(
                "governance_apply_failed",
                change=item.change_id,
                error=type(error).__name__,
                undone=len(done),
                undo_failures=len(failures),
            )
            state = (
                "the previous state is back in force"
                if not failures
                else ("ROLLBACK INCOMPLETE for " + ", ".join(failures))
            )
            raise ApplyFailedError(
                f"applying {item.change_id} failed ({type(error).__name__}); "
                f"{len(done)} earlier changes were undone: {state}",
                details={
                    "change": item.change_id,
                    "undone": [i.change_id for i, _ in done],
                    "undo_failed": failures,
                    "rolled_back": not failures,
                },
            ) from error
        done.append((item, backward))


async def _rollback(done: Sequence[tuple[PlanItem, _Step]]) -> list[str]:
    failures: list[str] = []
    for item, backward in reversed(done):
        try:
            await backward()
        except Exception:  # keep undoing the rest, then report what stayed
            failures.append(item.change_id)
    return failures


async def undo_all(hub: HubPort, items: Sequence[PlanItem]) -> None:
    done = [(item, _calls(getattr(hub, REGISTRY_OF_KIND[item.kind]), item)[1]) for item in items]
    await _rollback(done)


class _NoRegistry:
    """A registry that accepts every call and does nothing."""

    async def register(self, name: str, document: Mapping[str, Any]) -> None:
        """Nothing to register with."""

    async def update(
        self, name: str, document: Mapping[str, Any], previous: Mapping[str, Any]
    ) -> None:
        """Nothing to update."""

    async def remove(self, name: str, previous: Mapping[str, Any]) -> None:
        """Nothing to remove."""


@dataclass(frozen=True, slots=True)
class UnwiredHub:
    """A ``HubPort`` with no registries behind it: apply then only records the catalog state.

    Used until the gateway, events, webhooks, workflows and observability registries are
    adapted to ``HubPort``; the CLI says so when it uses it.
    """

    consumers: ResourceRegistry = field(default_factory=_NoRegistry)
    integrations: ResourceRegistry = field(default_factory=_NoRegistry)
    slos: ResourceRegistry = field(default_factory=_NoRegistry)
    webhook_endpoints: ResourceRegistry = field(default_factory=_NoRegistry)
    subscriptions: ResourceRegistry = field(default_factory=_NoRegistry)
    schedules: ResourceRegistry = field(default_factory=_NoRegistry)
    deprecations: ResourceRegistry = field(default_factory=_NoRegistry)
