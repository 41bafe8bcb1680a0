"""Streams and durable consumers: created from configuration, listed, and reset for replay.

**Replay is a consumer reset by re-creation.** ``replay`` deletes the subscription's
durable consumer on a stream and creates it again, with the same name and filters,
delivering from a stream sequence or a time. The worker's pull loop keeps asking the
same consumer name, so a running worker simply receives the replayed events (after a
gap of at most one fetch); its in-flight, unacknowledged deliveries are forgotten and
come again if they fall in the replayed range. This works on every JetStream server
(2.9 included), where the newer consumer-reset API (2.14) does not, and, unlike an
ephemeral replay consumer, runs the subscription's own handler with its own outcomes
and dead-letter store. Handlers dedupe on the CloudEvent id.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime

import nats.js.errors
from nats.aio.client import Client
from nats.js import JetStreamContext, api

from healthbridge.canonical.events import EVENT_DOMAINS
from healthbridge.core.sections.events import EventsSettings
from healthbridge.events.errors import InvalidReplayError, UnknownSubscriptionError
from healthbridge.events.subscription import Subscription
from healthbridge.events.topology import Topology

STREAM_IN_USE = 10058
CONSUMER_NOT_FOUND = 10014


@dataclass(frozen=True, slots=True)
class StreamSummary:
    """What an operator wants to know about one stream."""

    name: str
    subjects: tuple[str, ...]
    messages: int
    bytes: int
    first_seq: int
    last_seq: int
    consumers: int
    replicas: int
    storage: str
    max_age_seconds: float


@dataclass(frozen=True, slots=True)
class ConsumerSummary:
    """A subscription's consumer on one stream: where it is and what waits."""

    subscription: str
    stream: str
    filters: tuple[str, ...]
    delivered_seq: int
    ack_floor_seq: int
    pending: int
    ack_pending: int
    redelivered: int


class StreamAdmin:
    """Creates and inspects streams and consumers for one topology."""

    def __init__(
        self, nc: Client, js: JetStreamContext, topology: Topology, settings: EventsSettings
    ) -> None:
        self._nc = nc
        self._js = js
        self._topology = topology
        self._settings = settings

    @property
    def multi_filter(self) -> bool:
        """Whether the server lets one consumer filter several subjects (2.10+)."""
        version = self._nc.connected_server_version
        return (version.major, version.minor) >= (2, 10)

    async def ensure_streams(self, domains: tuple[str, ...]) -> None:
        """Create each domain's stream, or bring its retention in line with configuration."""
        for domain in domains:
            config = self._topology.stream_config(domain, self._settings)
            try:
                await self._js.add_stream(config)
            except nats.js.errors.BadRequestError as exc:
                if exc.err_code != STREAM_IN_USE:
                    raise
                await self._js.update_stream(config)

    async def streams(self, domains: tuple[str, ...]) -> list[StreamSummary]:
        """A summary of each existing domain stream."""
        found: list[StreamSummary] = []
        for domain in domains:
            try:
                info = await self._js.stream_info(self._topology.stream(domain))
            except nats.js.errors.NotFoundError:
                continue
            config, state = info.config, info.state
            found.append(
                StreamSummary(
                    name=config.name or "",
                    subjects=tuple(config.subjects or ()),
                    messages=state.messages,
                    bytes=state.bytes,
                    first_seq=state.first_seq,
                    last_seq=state.last_seq,
                    consumers=state.consumer_count,
                    replicas=config.num_replicas or 1,
                    storage=str(getattr(config.storage, "value", config.storage) or "file"),
                    max_age_seconds=float(config.max_age or 0),
                )
            )
        return found

    def consumer_config(
        self,
        subscription: Subscription,
        domain: str,
        *,
        from_seq: int | None = None,
        since: datetime | None = None,
    ) -> api.ConsumerConfig:
        """The durable pull consumer of ``subscription`` on ``domain``'s stream."""
        filters = subscription.filters(self._topology, domain)
        config = api.ConsumerConfig(
            durable_name=subscription.name,
            description=f"healthbridge subscription {subscription.name}",
            ack_policy=api.AckPolicy.EXPLICIT,
            ack_wait=self._settings.ack_wait_seconds,
            # Unlimited on the server: the worker counts deliveries itself and moves an
            # event to the dead-letter store, so a crash on the last try cannot lose it.
            max_deliver=-1,
            max_ack_pending=max(1000, self._settings.fetch_batch * 4),
            deliver_policy=api.DeliverPolicy.NEW
            if subscription.start == "new"
            else api.DeliverPolicy.ALL,
        )
        if from_seq is not None:
            config.deliver_policy = api.DeliverPolicy.BY_START_SEQUENCE
            config.opt_start_seq = from_seq
        elif since is not None:
            config.deliver_policy = api.DeliverPolicy.BY_START_TIME
            config.opt_start_time = since
        if self.multi_filter:
            config.filter_subjects = filters
        else:
            config.filter_subject = f"{self._topology.subject_prefix}.{domain}.>"
        return config

    async def ensure_consumers(self, subscription: Subscription) -> None:
        """Create the subscription's consumers; keep existing ones (and their position).

        A consumer whose filters changed (the subscription's types changed) is re-created
        from its acknowledged position, so nothing between is skipped; a consumer on a
        domain the subscription no longer names is deleted.
        """
        for domain in sorted(set(EVENT_DOMAINS) - set(subscription.domains())):
            # The subscription no longer wants this domain: stop keeping events for it.
            with contextlib.suppress(nats.js.errors.NotFoundError):
                await self._js.delete_consumer(self._topology.stream(domain), subscription.name)
        for domain in subscription.domains():
            stream = self._topology.stream(domain)
            wanted = self.consumer_config(subscription, domain)
            try:
                info = await self._js.consumer_info(stream, subscription.name)
            except nats.js.errors.NotFoundError:
                await self._js.add_consumer(stream, wanted)
                continue
            if _filters(info.config) == _filters(wanted):
                continue
            resume = self.consumer_config(
                subscription, domain, from_seq=info.ack_floor.stream_seq + 1
            )
            await self._js.delete_consumer(stream, subscription.name)
            await self._js.add_consumer(stream, resume)

    async def consumers(self, subscription: Subscription) -> list[ConsumerSummary]:
        """The subscription's consumers that exist, one per domain stream."""
        found: list[ConsumerSummary] = []
        for domain in subscription.domains():
            stream = self._topology.stream(domain)
            try:
                info = await self._js.consumer_info(stream, subscription.name)
            except nats.js.errors.NotFoundError:
                continue
            found.append(
                ConsumerSummary(
                    subscription=subscription.name,
                    stream=stream,
                    filters=tuple(
                        info.config.filter_subjects or [info.config.filter_subject or ""]
                    ),
                    delivered_seq=info.delivered.stream_seq,
                    ack_floor_seq=info.ack_floor.stream_seq,
                    pending=info.num_pending or 0,
                    ack_pending=info.num_ack_pending,
                    redelivered=info.num_redelivered,
                )
            )
        return found

    async def replay(
        self,
        subscription: Subscription,
        *,
        from_seq: int | None = None,
        since: datetime | None = None,
        domain: str | None = None,
    ) -> list[str]:
        """Re-deliver the subscription's events from ``from_seq`` or ``since``; its streams.

        A sequence is a position in one stream, so ``from_seq`` needs ``domain`` when the
        subscription spans several streams.
        """
        if (from_seq is None) == (since is None):
            raise InvalidReplayError("replay from a sequence or from a time, not both or neither")
        domains = subscription.domains()
        if domain is not None:
            if domain not in domains:
                raise InvalidReplayError(
                    f"{subscription.name} has no events in domain {domain}",
                    details={"domains": list(domains)},
                )
            domains = (domain,)
        if from_seq is not None and len(domains) > 1:
            raise InvalidReplayError(
                f"{subscription.name} spans streams {', '.join(domains)}: name the domain "
                "whose sequence --from-seq is",
                details={"domains": list(domains)},
            )
        streams: list[str] = []
        for name in domains:
            stream = self._topology.stream(name)
            config = self.consumer_config(subscription, name, from_seq=from_seq, since=since)
            with contextlib.suppress(nats.js.errors.NotFoundError):
                await self._js.delete_consumer(stream, subscription.name)
            await self._js.add_consumer(stream, config)
            streams.append(stream)
        return streams


def require(subscription: Subscription | None, name: str) -> Subscription:
    """``subscription``, or ``UnknownSubscriptionError`` naming ``name``."""
    if subscription is None:
        raise UnknownSubscriptionError(
            f"no subscription is called {name}: see `healthbridge events subscriptions`",
            details={"subscription": name},
        )
    return subscription


def _filters(config: api.ConsumerConfig) -> tuple[str, ...]:
    if config.filter_subjects:
        return tuple(config.filter_subjects)
    return (config.filter_subject,) if config.filter_subject else ()
