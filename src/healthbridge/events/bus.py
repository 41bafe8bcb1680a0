"""The event bus: one connection to JetStream and everything the hub does with events.

``open_event_bus(settings, engine)`` is what the composition root calls. Without
``events.url`` it starts the embedded server under ``data_dir`` first; with it, it
connects to the external server or cluster. Nothing else differs. On the way in it
creates (or updates) the domain streams from configuration; on the way out it stops
every subscription worker, drains the connection and stops the embedded server.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime
from pathlib import Path

import nats
import nats.errors
import structlog
from nats.aio.client import Client
from nats.js import JetStreamContext
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.canonical.events import EVENT_DOMAINS, CanonicalEvent
from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.sections.events import EventsSettings
from healthbridge.events.admin import ConsumerSummary, StreamAdmin, StreamSummary, require
from healthbridge.events.delivery import BatchHandler, Handler
from healthbridge.events.envelope import MSG_ID_HEADER
from healthbridge.events.errors import EventBusUnavailableError, UnknownDeadLetterError
from healthbridge.events.publisher import EventPublisher, OutgoingLike, Published
from healthbridge.events.sealing import PhiSealer
from healthbridge.events.server import EmbeddedServer, embedded_server, running_server_url
from healthbridge.events.subscription import StartPosition, Subscription
from healthbridge.events.topology import Topology
from healthbridge.events.worker import SubscriptionWorker
from healthbridge.security.field_encryption import FieldCipher
from healthbridge.store.dead_letters import DeadLetters
from healthbridge.store.subscriptions import Subscriptions

log = structlog.get_logger(__name__)


class EventBus:
    """Publish, subscribe, replay and re-drive canonical events on JetStream."""

    def __init__(
        self,
        nc: Client,
        js: JetStreamContext,
        settings: EventsSettings,
        engine: AsyncEngine,
        *,
        server: EmbeddedServer | None = None,
        clock: Clock | None = None,
        source: str = "urn:healthbridge:hub",
    ) -> None:
        self.nc = nc
        self.js = js
        self.settings = settings
        self.server = server
        self.topology = Topology.from_settings(settings)
        self.clock = clock or SystemClock()
        cipher = FieldCipher.from_secrets(
            settings.encryption_keys, active_key_id=settings.active_key_id()
        )
        self.sealer = PhiSealer(cipher)
        self.publisher = EventPublisher(
            js,
            self.topology,
            self.sealer,
            source=source,
            ack_timeout=settings.publish_ack_timeout_seconds,
            max_in_flight=settings.publish_max_in_flight,
        )
        self.admin = StreamAdmin(nc, js, self.topology, settings)
        self.dead_letters = DeadLetters(engine)
        self.subscriptions = Subscriptions(engine)
        self._workers: list[SubscriptionWorker] = []

    @property
    def url(self) -> str:
        """The server URL the bus is connected to."""
        return str(self.nc.connected_url.geturl()) if self.nc.connected_url else ""

    # -- publishing -------------------------------------------------------------------

    async def publish(
        self,
        event: CanonicalEvent,
        *,
        source_key: str | None = None,
        traceparent: str | None = None,
    ) -> Published:
        """Publish one event and wait for JetStream's ack (see :class:`EventPublisher`)."""
        return await self.publisher.publish(event, source_key=source_key, traceparent=traceparent)

    async def publish_all(self, items: Sequence[OutgoingLike]) -> list[Published]:
        """Publish a batch with bounded in-flight acks; ``PublishError`` if any is not acked."""
        return await self.publisher.publish_all(items)

    # -- subscriptions ----------------------------------------------------------------

    async def register(
        self,
        name: str,
        event_types: Iterable[str],
        scopes: Iterable[str],
        *,
        max_deliveries: int | None = None,
        start: StartPosition = "new",
    ) -> Subscription:
        """Register a subscription its scopes permit and create its durable consumers.

        Raises ``SubscriptionRefusedError`` for types or data classes the scopes do not
        permit. Registering again updates types and scopes and keeps the position.
        """
        subscription = Subscription.checked(
            name,
            event_types,
            scopes,
            max_deliveries=max_deliveries or self.settings.max_deliveries,
            start=start,
        )
        await self.admin.ensure_consumers(subscription)
        await self.subscriptions.save(
            subscription.name,
            event_types=subscription.event_types,
            scopes=tuple(sorted(subscription.scopes)),
            max_deliveries=subscription.max_deliveries,
            at=self.clock.now(),
        )
        return subscription

    async def subscription(self, name: str) -> Subscription:
        """The registered subscription ``name``; ``UnknownSubscriptionError`` if none."""
        record = await self.subscriptions.get(name)
        found = (
            None
            if record is None
            else Subscription(
                record.name, record.event_types, frozenset(record.scopes), record.max_deliveries
            )
        )
        return require(found, name)

    async def subscribe(
        self,
        name: str,
        event_types: Iterable[str],
        scopes: Iterable[str],
        handler: Handler,
        *,
        max_deliveries: int | None = None,
        start: StartPosition = "new",
    ) -> SubscriptionWorker:
        """Register and start handling events one at a time; stop it with ``await w.stop()``."""
        subscription = await self.register(
            name, event_types, scopes, max_deliveries=max_deliveries, start=start
        )
        return await self._start(self._worker(subscription, handler=handler))

    async def subscribe_batch(
        self,
        name: str,
        event_types: Iterable[str],
        scopes: Iterable[str],
        handler: BatchHandler,
        *,
        max_deliveries: int | None = None,
        start: StartPosition = "new",
    ) -> SubscriptionWorker:
        """Register and start handling fetched batches; one outcome per event."""
        subscription = await self.register(
            name, event_types, scopes, max_deliveries=max_deliveries, start=start
        )
        return await self._start(self._worker(subscription, batch_handler=handler))

    def _worker(
        self,
        subscription: Subscription,
        *,
        handler: Handler | None = None,
        batch_handler: BatchHandler | None = None,
    ) -> SubscriptionWorker:
        return SubscriptionWorker(
            self.js,
            self.topology,
            subscription,
            handler=handler,
            batch_handler=batch_handler,
            sealer=self.sealer,
            dead_letters=self.dead_letters,
            settings=self.settings,
            clock=self.clock,
        )

    async def _start(self, worker: SubscriptionWorker) -> SubscriptionWorker:
        await worker.start()
        self._workers.append(worker)
        return worker

    async def consumers(self, name: str) -> list[ConsumerSummary]:
        """Where each consumer of subscription ``name`` is."""
        return await self.admin.consumers(await self.subscription(name))

    async def streams(self) -> list[StreamSummary]:
        """Every domain stream with its counts and retention."""
        return await self.admin.streams(EVENT_DOMAINS)

    async def replay(
        self,
        name: str,
        *,
        from_seq: int | None = None,
        since: datetime | None = None,
        domain: str | None = None,
    ) -> list[str]:
        """Deliver subscription ``name``'s events again from a sequence or a time."""
        subscription = await self.subscription(name)
        streams = await self.admin.replay(
            subscription, from_seq=from_seq, since=since, domain=domain
        )
        log.info("subscription_replayed", subscription=name, streams=streams, from_seq=from_seq)
        return streams

    # -- dead letters -----------------------------------------------------------------

    async def redrive(self, dead_letter_id: int) -> Published:
        """Re-publish one dead letter to its subscription alone, with its original event id.

        The copy goes to the subscription's re-drive subject in the same stream, exactly
        as stored (phi still sealed), under a new ``Nats-Msg-Id`` so JetStream does not
        drop it as a duplicate, and the same CloudEvent id so the receiver can dedupe.
        """
        letter = await self.dead_letters.get(dead_letter_id)
        if letter is None:
            raise UnknownDeadLetterError(
                f"no dead letter has id {dead_letter_id}: see `healthbridge dlq list`",
                details={"id": dead_letter_id},
            )
        subject = self.topology.redrive_subject(letter.event_type, letter.subscription)
        headers = dict(letter.headers)
        headers[MSG_ID_HEADER] = f"{letter.event_id}:redrive:{letter.id}:{letter.redrive_count + 1}"
        [published] = await self.publisher.publish_raw(
            [(subject, headers, letter.payload)], [letter.event_id]
        )
        await self.dead_letters.mark_redriven(letter.id, self.clock.now())
        log.info("dead_letter_redriven", dead_letter_id=letter.id, subscription=letter.subscription)
        return published

    async def redrive_all(self, *, subscription: str | None = None) -> int:
        """Re-drive every dead letter not yet re-driven (of ``subscription``); how many."""
        count = 0
        for dead_letter_id in await self.dead_letters.waiting(subscription=subscription):
            await self.redrive(dead_letter_id)
            count += 1
        return count

    async def close(self) -> None:
        """Stop every worker started through this bus, then drain the connection."""
        workers, self._workers = self._workers, []
        for worker in workers:
            await worker.stop()
        if self.nc.is_closed:
            return
        if self.nc.is_connected:
            try:
                await self.nc.drain()
            except (nats.errors.Error, OSError, TimeoutError):
                log.warning("nats_drain_failed")
            else:
                return
        # Reconnecting or drain failed: whatever was not acked was already reported.
        with contextlib.suppress(nats.errors.Error, OSError, TimeoutError):
            await self.nc.close()


async def connect(url: str, settings: EventsSettings) -> tuple[Client, JetStreamContext]:
    """A connection and JetStream context to ``url``; ``EventBusUnavailableError`` if down."""
    try:
        nc = await nats.connect(
            servers=[part.strip() for part in url.split(",")],
            name="healthbridge",
            connect_timeout=settings.connect_timeout_seconds,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
        )
    except (nats.errors.Error, OSError, TimeoutError):
        raise EventBusUnavailableError(
            "the NATS server at events.url cannot be reached: check that it runs and "
            "the URL, or unset events.url to use the embedded server",
            details={"key": "events.url"},
        ) from None
    js = nc.jetstream(
        timeout=settings.publish_ack_timeout_seconds,
        publish_async_max_pending=settings.publish_max_in_flight,
    )
    return nc, js


@asynccontextmanager
async def open_event_bus(
    settings: EventsSettings,
    engine: AsyncEngine,
    *,
    data_dir: Path,
    clock: Clock | None = None,
) -> AsyncIterator[EventBus]:
    """The event bus for ``settings``: embedded server or external, streams ensured.

    Without ``events.url``, an embedded server already running on the same folder (a
    hub beside this CLI) is joined; otherwise one is started and stopped on exit.
    """
    async with AsyncExitStack() as stack:
        server = None
        url = settings.url
        folder = settings.store_dir or data_dir / "nats"
        if url is None:
            url = await running_server_url(folder)
        if url is None:
            server = await stack.enter_async_context(
                embedded_server(
                    folder,
                    binary=settings.server_binary,
                    sync_interval=settings.sync_interval,
                    startup_timeout=settings.connect_timeout_seconds,
                )
            )
            url = server.url
        nc, js = await connect(url, settings)
        bus = EventBus(nc, js, settings, engine, server=server, clock=clock)
        stack.push_async_callback(bus.close)
        await bus.admin.ensure_streams(EVENT_DOMAINS)
        yield bus
