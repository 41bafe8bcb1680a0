"""The worker role: what runs behind the API — the change relay and webhook fan-out.

A hub process of role ``all`` (the demo, ``serve``) runs this beside the HTTP app; in a
scale-out deployment the gateway processes do not. The path it owns is the outbound
one: a recorded Odoo change becomes an event on JetStream (the relay, deduplicated by
message id), and every event becomes one durable delivery per matching webhook endpoint
(the ``webhooks`` subscription), acknowledged to NATS only once the deliveries are
stored, so a worker killed at any point loses nothing and sends nothing twice under a
new id.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import structlog

from healthbridge.bootstrap import Hub, open_store, with_local_encryption_key
from healthbridge.canonical.events import EVENTS_BY_TYPE
from healthbridge.core import Settings
from healthbridge.core.errors import InvalidRequestError
from healthbridge.core.memory import freeze_startup_objects, release_frozen_objects
from healthbridge.events import (
    ACK,
    DeadLetter,
    EventBus,
    Outcome,
    ReceivedEvent,
    SubscriptionRefusedError,
    SubscriptionWorker,
    check_subscription,
    open_event_bus,
)
from healthbridge.webhooks import Webhooks, open_webhooks

log = structlog.get_logger(__name__)

WEBHOOKS_SUBSCRIPTION = "webhooks"
"""The durable subscription that turns events into webhook deliveries."""

WEBHOOKS_SCOPES = ("events:read", "data:pii")
"""What the fan-out may see: every event type, never ``phi`` — webhooks carrying a flow's
``phi`` are thin by policy, and a full payload must not be the way around it."""


@dataclass(frozen=True, slots=True)
class Worker:
    """The running worker: the webhooks area and the subscription feeding it (if run here)."""

    webhooks: Webhooks
    fanout: SubscriptionWorker | None


def webhook_event_types() -> list[str]:
    """Every event type the fan-out's scopes permit (those with required ``phi`` are not)."""
    permitted = []
    for event_type in sorted(EVENTS_BY_TYPE):
        try:
            check_subscription(WEBHOOKS_SUBSCRIPTION, [event_type], WEBHOOKS_SCOPES)
        except SubscriptionRefusedError:
            continue
        permitted.append(event_type)
    return permitted


@asynccontextmanager
async def open_worker(
    hub: Hub,
    *,
    relay_interval: float = 0.2,
    relay: bool = True,
    fanout: bool | None = None,
    dispatch: bool | None = None,
    api_base_url: str | None = None,
) -> AsyncIterator[Worker]:
    """Run the relay and the webhook fan-out on ``hub`` until exit; stopped in order.

    ``relay``, ``fanout`` and ``dispatch`` (defaults: ``webhooks.fanout_enabled`` and
    ``webhooks.dispatcher_enabled``) choose the parts this process runs, so the outbound
    path can be spread over processes: the relay where the change log is written, the
    fan-out and dispatcher in ``healthbridge worker`` processes (``open_delivery_worker``).
    Run exactly one relay per store. ``api_base_url`` overrides
    ``webhooks.api_base_url`` when the hub's address is known only once it listens.
    """
    options = hub.settings.webhooks
    if api_base_url is not None:
        options = options.model_copy(update={"api_base_url": api_base_url})
    async with AsyncExitStack() as stack:
        webhooks = await stack.enter_async_context(
            open_webhooks(options, hub.store.engine, dispatch=dispatch)
        )
        subscription: SubscriptionWorker | None = None
        if options.fanout_enabled if fanout is None else fanout:
            subscription = await _start_fanout(stack, hub.events, webhooks)
        if relay:
            # A recorded change wakes the relay at once; its interval is only the fallback.
            stack.callback(hub.store.changes.on_new_changes(hub.relay.wake))
            stop = asyncio.Event()
            relaying = asyncio.create_task(
                hub.relay.run(stop, interval=relay_interval), name="healthbridge-relay"
            )

            async def stop_relay() -> None:
                stop.set()
                with contextlib.suppress(asyncio.CancelledError):
                    await relaying

            stack.push_async_callback(stop_relay)
        freeze_startup_objects()
        stack.callback(release_frozen_objects)
        yield Worker(webhooks, subscription)


@asynccontextmanager
async def open_delivery_worker(settings: Settings) -> AsyncIterator[Worker]:
    """The fan-out and the dispatcher alone: what ``healthbridge worker`` runs.

    It needs the store and NATS (an embedded server already running on the same data
    folder, or ``events.url``), not Odoo: webhooks keep going out while Odoo is away.
    Any number may run: JetStream shares the ``webhooks`` subscription's messages among
    them, and the deliveries' leases keep their dispatchers apart.
    """
    async with AsyncExitStack() as stack:
        store = await stack.enter_async_context(open_store(settings))
        events = await stack.enter_async_context(
            open_event_bus(
                with_local_encryption_key(settings).events,
                store.engine,
                data_dir=settings.data_dir,
            )
        )
        webhooks = await stack.enter_async_context(
            open_webhooks(settings.webhooks, store.engine, dispatch=True)
        )
        subscription = await _start_fanout(stack, events, webhooks)
        freeze_startup_objects()
        stack.callback(release_frozen_objects)
        yield Worker(webhooks, subscription)


async def _start_fanout(
    stack: AsyncExitStack, events: EventBus, webhooks: Webhooks
) -> SubscriptionWorker:
    """Run the ``webhooks`` subscription: each event becomes its deliveries, then is acked."""

    async def fan_out(batch: Sequence[ReceivedEvent]) -> list[Outcome]:
        try:
            await webhooks.accept([received.cloudevent for received in batch])
        except InvalidRequestError as exc:
            # A malformed envelope in the batch: nothing of it was stored, so each
            # event goes to the dead-letter store for an operator to look at.
            log.warning("webhook_fanout_refused", code=exc.code, events=len(batch))
            return [DeadLetter(exc.code, exc.safe_message) for _ in batch]
        return [ACK for _ in batch]

    subscription = await events.subscribe_batch(
        WEBHOOKS_SUBSCRIPTION, webhook_event_types(), WEBHOOKS_SCOPES, fan_out
    )
    stack.push_async_callback(subscription.stop)
    return subscription
