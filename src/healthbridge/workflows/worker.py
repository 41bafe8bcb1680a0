"""The workflow side of a hub process, in one call: the DBOS runtime and the event triggers.

``open_workflow_worker`` is what bootstrap (or the demo) enters once it has the store
engine, the Odoo client and the event bus: DBOS launches in the running loop with every
step port wired (notifications go to the bus), recovery of this executor's unfinished
runs starts, and the trigger subscriptions begin starting runs from events. On exit the
subscriptions stop first, so no handler starts a run on a runtime being destroyed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.events.bus import EventBus
from healthbridge.events.worker import SubscriptionWorker
from healthbridge.services.ports import OdooPort
from healthbridge.workflows.replenishment.trigger import ReorderRule
from healthbridge.workflows.runtime import WorkflowRuntime, open_workflows
from healthbridge.workflows.triggers import workflow_triggers


@dataclass(frozen=True, slots=True)
class WorkflowWorker:
    """The running runtime and the trigger subscriptions feeding it."""

    runtime: WorkflowRuntime
    triggers: tuple[SubscriptionWorker, ...]


@asynccontextmanager
async def open_workflow_worker(
    settings: WorkflowsSettings,
    *,
    data_dir: Path,
    engine: AsyncEngine,
    odoo: OdooPort,
    bus: EventBus,
    rule: ReorderRule | None = None,
    heartbeat: bool = True,
    schedule_batch: bool = False,
) -> AsyncIterator[WorkflowWorker]:
    """Run workflows in this process until exit: DBOS, step ports, and the event triggers.

    One per process (DBOS is a process singleton). ``rule`` overrides the reorder rule
    of ``settings`` (``reorder_point``/``reorder_quantity``/``supplier_partner_id``).
    """
    async with open_workflows(
        settings,
        data_dir=data_dir,
        engine=engine,
        odoo=odoo,
        events=bus,
        heartbeat=heartbeat,
        schedule_batch=schedule_batch,
    ) as runtime:
        triggers = await workflow_triggers(bus, odoo, settings, rule=rule)
        try:
            yield WorkflowWorker(runtime, tuple(triggers))
        finally:
            for trigger in triggers:
                await trigger.stop()
