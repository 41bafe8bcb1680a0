"""``healthbridge events``: streams, subscriptions, a live tail and replays."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from nats.aio.msg import Msg
from rich.table import Table

from healthbridge.cli.events_view import load, open_bus
from healthbridge.cli.output import console, fail, run
from healthbridge.core import Settings
from healthbridge.events import ConsumerSummary, Envelope, MalformedEventError
from healthbridge.security.field_encryption import is_sealed

STREAM_COLUMNS = (
    "stream", "subjects", "events", "bytes", "first", "last", "consumers", "replicas",
    "storage", "max age",
)  # fmt: skip
SUBSCRIPTION_COLUMNS = (
    "subscription", "types", "scopes", "max tries", "stream", "acked to", "pending",
    "unacked", "redelivered",
)  # fmt: skip

app = typer.Typer(
    help="The event backbone: streams, subscriptions, a live tail, replays.",
    no_args_is_help=True,
)


@app.command("streams")
def streams() -> None:
    """List the domain streams: events kept, sequences, consumers, retention, replicas.

    Examples:

        healthbridge events streams
    """
    run(_streams(load()))


async def _streams(settings: Settings) -> None:
    async with open_bus(settings) as (_, bus):
        found = await bus.streams()
        url = bus.url
    table = Table(
        "stream",
        "subjects",
        "events",
        "bytes",
        "first",
        "last",
        "consumers",
        "replicas",
        "storage",
        "max age",
    )
    for stream in found:
        table.add_row(
            stream.name,
            ", ".join(stream.subjects),
            str(stream.messages),
            str(stream.bytes),
            str(stream.first_seq),
            str(stream.last_seq),
            str(stream.consumers),
            str(stream.replicas),
            stream.storage,
            f"{stream.max_age_seconds / 3600:g} h",
        )
    console.print(table)
    console.print(f"server {url}", markup=False)


@app.command("subscriptions")
def subscriptions() -> None:
    """List subscriptions: event types, scopes, and where each consumer stands.

    Examples:

        healthbridge events subscriptions
    """
    run(_subscriptions(load()))


async def _subscriptions(settings: Settings) -> None:
    async with open_bus(settings) as (_, bus):
        records = await bus.subscriptions.all()
        positions = {record.name: await bus.consumers(record.name) for record in records}
    table = Table(
        "subscription",
        "types",
        "scopes",
        "max tries",
        "stream",
        "acked to",
        "pending",
        "unacked",
        "redelivered",
    )
    for record in records:
        consumers: list[ConsumerSummary | None] = [*positions[record.name]] or [None]
        for consumer in consumers:
            table.add_row(
                record.name,
                "\n".join(t.removeprefix("org.healthbridge.") for t in record.event_types),
                " ".join(record.scopes),
                str(record.max_deliveries),
                consumer.stream if consumer else "(no consumer)",
                str(consumer.ack_floor_seq) if consumer else "",
                str(consumer.pending) if consumer else "",
                str(consumer.ack_pending) if consumer else "",
                str(consumer.redelivered) if consumer else "",
            )
    console.print(table)


@app.command("replay")
def replay(
    subscription: Annotated[str, typer.Argument(help="The subscription to replay.")],
    since: Annotated[
        datetime | None,
        typer.Option(help="Deliver events stored since this time (ISO 8601, UTC if no zone)."),
    ] = None,
    from_seq: Annotated[
        int | None, typer.Option("--from-seq", min=1, help="Deliver from this stream sequence.")
    ] = None,
    domain: Annotated[
        str | None, typer.Option(help="The stream (domain) --from-seq refers to.")
    ] = None,
) -> None:
    """Deliver a subscription's events again, from a time or a stream sequence.

    The subscription's consumer is re-created at that position; a running worker picks
    the replayed events up within a fetch. Handlers see the original event ids.

    Examples:

        healthbridge events replay erp-webhooks --since 2026-11-24T08:00:00Z

        healthbridge events replay stock-sync --from-seq 1200 --domain inventory
    """
    if (since is None) == (from_seq is None):
        fail("give exactly one of --since and --from-seq")
    moment = None if since is None else (since if since.tzinfo else since.replace(tzinfo=UTC))
    run(_replay(load(), subscription, moment, from_seq, domain))


async def _replay(
    settings: Settings,
    subscription: str,
    since: datetime | None,
    from_seq: int | None,
    domain: str | None,
) -> None:
    async with open_bus(settings) as (_, bus):
        streams = await bus.replay(subscription, since=since, from_seq=from_seq, domain=domain)
    start = (
        f"sequence {from_seq}" if from_seq is not None else f"{since.isoformat() if since else ''}"
    )
    console.print(f"{subscription} replays from {start} on {', '.join(streams)}", markup=False)


@app.command("tail")
def tail(
    count: Annotated[int, typer.Option(min=1, help="Stop after this many events.")] = 20,
    seconds: Annotated[float, typer.Option(min=0.1, help="Stop after this long.")] = 30.0,
    domain: Annotated[str | None, typer.Option(help="Only this domain's events.")] = None,
) -> None:
    """Print events as they are published (phi fields show as sealed), then stop.

    Examples:

        healthbridge events tail

        healthbridge events tail --domain inventory --count 5 --seconds 60
    """
    run(_tail(load(), count, seconds, domain))


async def _tail(settings: Settings, count: int, seconds: float, domain: str | None) -> None:
    seen = 0
    done = asyncio.Event()

    async def show(message: Msg) -> None:
        nonlocal seen
        try:
            envelope = Envelope.from_message(message.headers, message.data)
        except MalformedEventError:
            return
        data = {k: "«sealed»" if is_sealed(v) else v for k, v in envelope.data.items()}
        console.print(
            f"{envelope.time.isoformat()} {envelope.type.removeprefix('org.healthbridge.')} "
            f"{envelope.subject} {envelope.id} {json.dumps(data, sort_keys=True)}",
            markup=False,
        )
        seen += 1
        if seen >= count:
            done.set()

    async with open_bus(settings) as (_, bus):
        subject = f"{bus.topology.subject_prefix}.{domain or '*'}.>"
        subscription = await bus.nc.subscribe(subject, cb=show)
        try:
            await asyncio.wait_for(done.wait(), seconds)
        except TimeoutError:
            pass
        finally:
            await subscription.unsubscribe()
    console.print(f"{seen} event(s)")
