"""The ports workflow steps act through, installed once per process by the runtime.

DBOS is a process-wide engine that calls steps by name, recovered runs included, so
steps cannot receive their adapters as arguments (arguments are recorded and replayed).
The runtime installs one ``WorkflowDependencies`` when it starts; steps read it with
``dependencies()``. Workflow bodies never touch it: they decide, steps act.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.services.event_ports import EventPublisherPort
from healthbridge.services.ports import OdooPort
from healthbridge.services.reconciliation import MirrorPort, ReportPort
from healthbridge.services.workflow_ports import PayerPort, SupplierPort, TaskBoardPort
from healthbridge.workflows.errors import WorkflowRuntimeError


@dataclass(frozen=True, slots=True)
class WorkflowDependencies:
    """Everything a step may act on, built by bootstrap (or a test) from real adapters."""

    settings: WorkflowsSettings
    odoo: OdooPort
    supplier: SupplierPort
    tasks: TaskBoardPort
    mirror: MirrorPort
    reports: ReportPort
    payer: PayerPort | None = None
    """The payer for claims; None when no payer client secret is configured."""
    events: EventPublisherPort | None = None
    """Where notifications are published (the event bus); None when no bus is wired."""
    clock: Clock = field(default_factory=SystemClock)
    on_pause: Callable[[str], None] | None = None
    """Called when a step stops at ``settings.pause_at_step`` (fault drills only)."""


_installed: list[WorkflowDependencies] = []


def install(deps: WorkflowDependencies | None) -> None:
    """Make ``deps`` the ports of this process's steps (None uninstalls)."""
    _installed.clear()
    if deps is not None:
        _installed.append(deps)


def dependencies() -> WorkflowDependencies:
    """The installed ports; a step running without a runtime is a wiring error."""
    if not _installed:
        raise WorkflowRuntimeError(
            "workflow steps ran without dependencies: start the workflow runtime first"
        )
    return _installed[0]


async def pause_point(step: str) -> None:
    """Stop here forever when ``step`` is the configured pause step (a fault-drill hook).

    The pause comes after the step has acted and before DBOS records it, which is the
    worst moment to die: a recovered run must find the step's earlier effect.
    """
    deps = dependencies()
    if deps.settings.pause_at_step != step:
        return
    if deps.on_pause is not None:
        deps.on_pause(step)
    await asyncio.Event().wait()
