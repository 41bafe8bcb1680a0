"""The whole HTTP surface of a running hub, composed from its services in one place.

``bootstrap`` builds the hub's adapters and services but sits below the gateway, so the
entry points (``serve``, ``demo``) come here for the app: the gateway runtime (keys,
clients, quotas, idempotency, audit), the business and FHIR routes over the hub's Odoo
client and read model, the probes and ``/metrics``, and the task that keeps the read
model fresh from the change log.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import APIRouter, FastAPI
from sqlalchemy import text

from healthbridge.bootstrap import Hub
from healthbridge.core.errors import UnavailableError
from healthbridge.gateway.app import create_app
from healthbridge.gateway.health import HealthCheck, health_router
from healthbridge.gateway.routes import RouteServices, business_routers, fhir_router
from healthbridge.gateway.routes.events import events_router
from healthbridge.gateway.routes.trace import trace_router
from healthbridge.gateway.runtime import GatewayRuntime, open_gateway
from healthbridge.services.read_model_feed import ReadModelFeed
from healthbridge.services.traced_writes import TracedWrites
from healthbridge.store.business_events import BusinessEvents
from healthbridge.store.event_cursors import RelayCursors
from healthbridge.store.event_log import EventLog
from healthbridge.store.read_model import InventoryReadModel


@dataclass(frozen=True, slots=True)
class HubApp:
    """The ASGI app of a hub, with the runtime and route services behind it."""

    app: FastAPI
    gateway: GatewayRuntime
    services: RouteServices
    feed: ReadModelFeed


@asynccontextmanager
async def open_hub_app(
    hub: Hub, *, rebuild_read_model: bool = True, extra_routers: Sequence[APIRouter] = ()
) -> AsyncIterator[HubApp]:
    """The hub's app, its read model warm and followed until exit.

    With ``rebuild_read_model`` the read model is rebuilt from Odoo at start (a hub that
    was down missed changes its cursor cannot see if the store was reset); otherwise it
    starts from what the store holds and catches up from its cursor.
    """
    settings = hub.settings
    async with open_gateway(settings, hub.store.engine) as runtime:
        options = settings.gateway
        services = RouteServices.build(
            TracedWrites(hub.odoo, hub.write_traces),
            InventoryReadModel(hub.store.engine),
            staleness_seconds=options.inventory_staleness_seconds,
            cache_seconds=options.inventory_cache_seconds,
            credit_hold_after_days=options.credit_hold_after_days,
        )
        feed = ReadModelFeed(hub.store.changes, RelayCursors(hub.store.engine), services.inventory)
        if rebuild_read_model:
            await feed.start_at_head()
            await services.inventory.refresh_all()
        await services.inventory.warm()
        health = health_router(
            _checks(hub),
            timeout_seconds=settings.observability.health_check_timeout_seconds,
            metrics_enabled=settings.observability.metrics_enabled,
            metrics_public=settings.observability.metrics_public,
            metrics_scope=settings.observability.metrics_scope,
        )
        routers = hub_routers(services, health, extra_routers)
        app = create_app(hub.intake, settings, runtime, routers=routers)
        app.state.event_log = EventLog(hub.store.engine)
        app.state.business_events = BusinessEvents(hub.store.engine)
        stop = asyncio.Event()
        task = asyncio.create_task(feed.run(stop), name="healthbridge-read-model")
        try:
            yield HubApp(app, runtime, services, feed)
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def hub_routers(
    services: RouteServices, health: APIRouter, extra: Sequence[APIRouter] = ()
) -> list[APIRouter]:
    """Every router a hub serves, in one list.

    The served app, ``healthbridge openapi`` and the every-route authorization test all
    take it from here, so a router added to the hub is documented and checked too.
    """
    return [
        *business_routers(services),
        events_router(),
        trace_router(),
        fhir_router(services),
        health,
        *extra,
    ]


def _checks(hub: Hub) -> list[HealthCheck]:
    async def store() -> None:
        async with hub.store.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def nats() -> None:
        if not hub.events.nc.is_connected:
            raise UnavailableError("the hub is not connected to NATS")

    async def odoo() -> None:
        await hub.odoo.context_get()

    # Odoo is reported but not required: reads are served from the read model while
    # Odoo is down, and writes answer 503 with Retry-After on their own.
    return [
        HealthCheck("store", store),
        HealthCheck("nats", nats),
        HealthCheck("odoo", odoo, required=False),
    ]
