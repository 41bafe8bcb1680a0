"""The DBOS runtime of one worker: configured from settings, launched in the hub's loop.

Two choices make recovery dependable:

- The application version is pinned (``workflows.application_version``) instead of
  DBOS's default hash of the workflow code, so a worker upgraded with new code still
  recovers the runs its predecessor left unfinished.
- Each worker records a heartbeat in the hub's store. A survivor that sees a worker
  silent for ``executor_dead_after_seconds`` claims it (one atomic delete, so only one
  survivor does) and resumes the dead worker's PENDING runs with DBOS's public
  ``resume_workflow``: the run goes back on DBOS's internal queue, any live worker of
  the same version dequeues it, and it replays from its last recorded step. DBOS's own
  startup recovery covers a worker restarted under the same executor id.

DBOS keeps its tables in its own system database (``dbos.sqlite`` beside the store by
default; at scale a PostgreSQL database of its own or the ``dbos`` schema), never among
the hub's tables.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import structlog
from dbos import DBOS, DBOSConfig
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.services.event_ports import EventPublisherPort
from healthbridge.services.ports import OdooPort
from healthbridge.store.reconciliation import BatchMirror, ReconciliationReports
from healthbridge.store.tasks import HumanTasks
from healthbridge.store.workflow_executors import ExecutorRegistry
from healthbridge.workflows.dependencies import WorkflowDependencies, install
from healthbridge.workflows.errors import WorkflowRuntimeError
from healthbridge.workflows.payer_claim.payer_client import PayerHttp
from healthbridge.workflows.replenishment.supplier_client import SupplierHttp

APP_NAME = "healthbridge"

log = structlog.get_logger(__name__)


def dbos_config(settings: WorkflowsSettings, data_dir: Path) -> DBOSConfig:
    """The DBOS configuration for ``settings``: pinned version, executor id, system DB."""
    url = settings.system_database(data_dir)
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return {
        "name": APP_NAME,
        "system_database_url": url,
        "dbos_system_schema": settings.system_schema,
        "application_version": settings.application_version,
        "executor_id": settings.executor_id,
        "log_level": "WARNING",
        "notification_listener_polling_interval_sec": 0.1,
        "scheduler_polling_interval_sec": 1.0,
    }


@dataclass(frozen=True, slots=True)
class WorkflowRuntime:
    """A launched DBOS runtime: its settings and the system database it records into."""

    settings: WorkflowsSettings
    system_database_url: str
    executors: ExecutorRegistry | None

    async def take_over_silent_executors(self) -> list[str]:
        """Resume the unfinished runs of workers silent too long; the run ids resumed."""
        if self.executors is None:
            return []
        settings = self.settings
        silent_for = timedelta(seconds=settings.executor_dead_after_seconds)
        resumed: list[str] = []
        for executor in await self.executors.silent(
            longer_than=silent_for, excluding=settings.executor_id
        ):
            if not await self.executors.claim(executor, silent_for=silent_for):
                continue  # another survivor claimed it first
            pending = await DBOS.list_workflows_async(
                status="PENDING",
                executor_id=executor,
                app_version=settings.application_version,
                load_input=False,
                load_output=False,
            )
            for status in pending:
                await DBOS.resume_workflow_async(status.workflow_id)
                resumed.append(status.workflow_id)
            log.info("workflow_executor_taken_over", executor=executor, resumed=len(pending))
        return resumed

    async def heartbeat(self) -> None:
        """Record that this worker is alive."""
        if self.executors is not None:
            await self.executors.heartbeat(
                self.settings.executor_id, self.settings.application_version
            )


async def _watch(runtime: WorkflowRuntime) -> None:
    while True:
        try:
            await runtime.heartbeat()
            await runtime.take_over_silent_executors()
        except Exception as exc:
            log.warning("workflow_heartbeat_failed", error=type(exc).__name__)
        await asyncio.sleep(runtime.settings.heartbeat_seconds)


def _register_workflows() -> None:
    # Importing the workflow modules registers their functions with DBOS; recovery
    # finds a run's function by its registered name, so all must load before launch.
    from healthbridge.workflows.batch import workflow as batch  # noqa: PLC0415
    from healthbridge.workflows.patient_update import workflow as patient_update  # noqa: PLC0415
    from healthbridge.workflows.payer_claim import workflow as payer_claim  # noqa: PLC0415
    from healthbridge.workflows.replenishment import workflow as replenishment  # noqa: PLC0415

    del batch, patient_update, payer_claim, replenishment


@asynccontextmanager
async def open_workflow_runtime(
    settings: WorkflowsSettings,
    deps: WorkflowDependencies,
    *,
    data_dir: Path,
    executors: ExecutorRegistry | None = None,
    schedule_batch: bool = False,
) -> AsyncIterator[WorkflowRuntime]:
    """Launch DBOS in the running event loop with ``deps`` installed; destroy it on exit.

    Call it from inside the worker's event loop: DBOS then runs recovered and queued
    async workflows on that loop, where the adapters in ``deps`` live. With
    ``executors``, the worker heartbeats and takes over the runs of silent workers.
    """
    if DBOS.workflow_id is not None:
        raise WorkflowRuntimeError("the workflow runtime cannot start inside a workflow")
    _register_workflows()
    config = dbos_config(settings, data_dir)
    install(deps)
    DBOS(config=config)
    watcher: asyncio.Task[Any] | None = None
    try:
        DBOS.launch()
        runtime = WorkflowRuntime(settings, str(config["system_database_url"]), executors)
        if schedule_batch:
            from healthbridge.workflows.batch.workflow import schedule  # noqa: PLC0415

            await schedule(settings)
        if executors is not None:
            await runtime.heartbeat()
            watcher = asyncio.create_task(_watch(runtime), name="healthbridge-workflow-watch")
        log.info(
            "workflow_runtime_started",
            executor=settings.executor_id,
            version=settings.application_version,
        )
        yield runtime
    finally:
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        await asyncio.to_thread(DBOS.destroy)
        install(None)


@asynccontextmanager
async def open_workflows(
    settings: WorkflowsSettings,
    *,
    data_dir: Path,
    engine: AsyncEngine,
    odoo: OdooPort,
    events: EventPublisherPort | None = None,
    heartbeat: bool = True,
    schedule_batch: bool = False,
    clock: Clock | None = None,
    on_pause: Callable[[str], None] | None = None,
) -> AsyncIterator[WorkflowRuntime]:
    """The runtime with every step port wired: the store's repositories on ``engine``,
    ``odoo``, ``events`` (the bus, for notifications), a supplier client and (with a payer
    client secret) a payer client with its token cache, all closed on exit.

    The worker calls this with the store engine and Odoo client bootstrap built; a
    one-off command (``reconcile run``) passes its own executor id and ``heartbeat=False``
    so it never takes over, nor is taken for, a worker.
    """
    async with AsyncExitStack() as stack:
        supplier = await stack.enter_async_context(SupplierHttp.open(settings))
        payer = (
            await stack.enter_async_context(PayerHttp.open(settings))
            if settings.payer_client_secret is not None
            else None
        )
        deps = WorkflowDependencies(
            settings=settings,
            odoo=odoo,
            supplier=supplier,
            payer=payer,
            events=events,
            tasks=HumanTasks(engine),
            mirror=BatchMirror(engine),
            reports=ReconciliationReports(engine),
            clock=clock or SystemClock(),
            on_pause=on_pause,
        )
        async with open_workflow_runtime(
            settings,
            deps,
            data_dir=data_dir,
            executors=ExecutorRegistry(engine) if heartbeat else None,
            schedule_batch=schedule_batch,
        ) as runtime:
            yield runtime
