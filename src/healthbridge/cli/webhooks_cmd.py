"""``healthbridge webhooks``: endpoints, the delivery log, retries and kill switches."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from healthbridge.bootstrap import open_store
from healthbridge.cli.output import console, fail, run
from healthbridge.core import ConfigError, Settings, load_settings
from healthbridge.store.webhook_deliveries import DeliveryRecord
from healthbridge.store.webhook_endpoints import EndpointRecord
from healthbridge.store.webhook_schema import DELIVERY_STATES
from healthbridge.webhooks import ORDERING_MODES, PAYLOAD_MODES, Webhooks, open_webhooks

app = typer.Typer(
    help="Manage webhook endpoints, read the delivery log, retry, and stop retries at once.",
    no_args_is_help=True,
)

T = TypeVar("T")
EndpointId = Annotated[str, typer.Argument(help="The endpoint id (see `webhooks list`).")]


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)


@asynccontextmanager
async def _webhooks() -> AsyncIterator[Webhooks]:
    settings = _settings()
    async with (
        open_store(settings) as store,
        open_webhooks(settings.webhooks, store.engine, dispatch=False) as area,
    ):
        yield area


def _with(action: Callable[[Webhooks], Awaitable[T]]) -> T:
    async def go() -> T:
        async with _webhooks() as area:
            return await action(area)

    return run(go())


def _when(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{option} must be an ISO 8601 time, e.g. 2026-11-24T09:00:00Z")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="Where to POST, e.g. https://pharmacy.example/hooks")],
    consumer: Annotated[str, typer.Option(help="The consumer that owns the endpoint.")],
    event_type: Annotated[
        list[str],
        typer.Option("--event-type", "-e", help="Exact type or prefix.* (repeatable)."),
    ],
    payload: Annotated[str, typer.Option(help="thin (default) or full.")] = "thin",
    allow_full: Annotated[
        bool, typer.Option("--allow-full", help="The governance policy allows full payloads.")
    ] = False,
    ordering: Annotated[str, typer.Option(help="none, per_entity or per_endpoint.")] = "none",
    owner: Annotated[str | None, typer.Option(help="Who is told when it is disabled.")] = None,
    description: Annotated[str | None, typer.Option(help="What the endpoint is for.")] = None,
) -> None:
    """Register an endpoint and print its signing secret (shown only this once).

    Examples:

        healthbridge webhooks add https://pharmacy.example/hooks --consumer pharmacy
            -e 'org.healthbridge.stock.*' --owner integration@pharmacy.example

        healthbridge webhooks add https://erp.example/hooks --consumer erp
            -e org.healthbridge.purchase.order-confirmed.v1 --ordering per_entity
    """
    if payload not in PAYLOAD_MODES:
        fail(f"--payload must be one of {', '.join(PAYLOAD_MODES)}")
    if ordering not in ORDERING_MODES:
        fail(f"--ordering must be one of {', '.join(ORDERING_MODES)}")
    endpoint = _with(
        lambda area: area.registry.add(
            consumer,
            url,
            event_type,
            payload=payload,
            full_payload_allowed=allow_full,
            ordering=ordering,
            owner_contact=owner,
            description=description,
        )
    )
    console.print(f"endpoint [bold]{endpoint.id}[/] added for {endpoint.consumer}")
    console.print("signing secret (store it now, it is not shown again):", markup=False)
    console.print(endpoint.secret, markup=False)


def _status(endpoint: EndpointRecord) -> str:
    if not endpoint.enabled:
        return f"disabled ({endpoint.disabled_reason or 'operator'})"
    return "paused" if endpoint.paused else "active"


@app.command("list")
def list_endpoints(
    consumer: Annotated[str | None, typer.Option(help="Only this consumer's endpoints.")] = None,
) -> None:
    """List endpoints: id, consumer, URL, event types, status, payload, ordering.

    Examples:

        healthbridge webhooks list

        healthbridge webhooks list --consumer pharmacy
    """
    found = _with(lambda area: area.registry.list(consumer))
    table = Table("id", "consumer", "url", "event types", "status", "payload", "ordering")
    for e in found:
        table.add_row(
            e.id, e.consumer, e.url, ", ".join(e.event_types), _status(e), e.payload, e.ordering
        )
    console.print(table)


@app.command("show")
def show(endpoint_id: EndpointId) -> None:
    """Show one endpoint, its deliveries per state and owner notifications.

    Examples:

        healthbridge webhooks show 01a20f55-ac27-730d-b665-9c65eeef7770
    """

    async def gather(area: Webhooks) -> tuple[EndpointRecord, dict[str, int], list[str]]:
        endpoint = await area.registry.get(endpoint_id)
        counts = dict(await area.log.counts(endpoint_id))
        notes = [
            f"{n.created_at.isoformat(timespec='seconds')} {n.kind} to {n.owner_contact or '-'}"
            for n in await area.registry.notifications(endpoint_id)
        ]
        return endpoint, counts, notes

    endpoint, counts, notes = _with(gather)
    console.print(f"endpoint [bold]{endpoint.id}[/]  {_status(endpoint)}", highlight=False)
    console.print(f"consumer {endpoint.consumer}  owner {endpoint.owner_contact or '-'}")
    console.print(f"url {endpoint.url}", markup=False)
    console.print(f"event types {', '.join(endpoint.event_types)}", markup=False)
    console.print(f"payload {endpoint.payload}  ordering {endpoint.ordering}")
    if endpoint.failing_since:
        console.print(f"failing since {endpoint.failing_since.isoformat(timespec='seconds')}")
    if endpoint.previous_secret_expires_at:
        expiry = endpoint.previous_secret_expires_at.isoformat(timespec="seconds")
        console.print(f"previous secret signs until {expiry}")
    console.print("deliveries " + "  ".join(f"{s} {n}" for s, n in counts.items()))
    for note in notes:
        console.print(f"notified: {note}", markup=False)


def _switch(action: str, done: str, summary: str) -> None:
    def command(endpoint_id: EndpointId) -> None:
        async def act(area: Webhooks) -> int:
            result = await getattr(area.registry, action)(endpoint_id)
            return int(result or 0)

        expired = _with(act)
        console.print(f"endpoint {endpoint_id} {done}")
        if expired:
            console.print(
                f"{expired} held deliveries were older than the wake window and are now expired "
                "(see `webhooks deliveries --state expired`; retry them by hand if wanted)"
            )

    command.__doc__ = f"{summary}\n\nExamples:\n\n    healthbridge webhooks {action} ENDPOINT_ID"
    app.command(action)(command)


_switch("pause", "paused", "Hold deliveries to an endpoint (new events are still recorded).")
_switch("resume", "resumed", "Let held deliveries flow; ones older than the wake window expire.")
_switch("disable", "disabled", "Stop deliveries and stop recording new events for an endpoint.")
_switch("enable", "enabled", "Enable again; held deliveries older than the wake window expire.")


@app.command("rotate-secret")
def rotate_secret(
    endpoint_id: EndpointId,
    overlap_seconds: Annotated[
        float | None,
        typer.Option(min=0, help="How long the old secret still signs (default from settings)."),
    ] = None,
) -> None:
    """Make a new signing secret; during the overlap both signatures are sent.

    Examples:

        healthbridge webhooks rotate-secret ENDPOINT_ID

        healthbridge webhooks rotate-secret ENDPOINT_ID --overlap-seconds 0
    """
    secret = _with(
        lambda area: area.registry.rotate_secret(endpoint_id, overlap_seconds=overlap_seconds)
    )
    console.print("new signing secret (store it now, it is not shown again):", markup=False)
    console.print(secret, markup=False)


@app.command("deliveries")
def deliveries(
    endpoint: Annotated[str | None, typer.Option(help="Only this endpoint's deliveries.")] = None,
    state: Annotated[str | None, typer.Option(help="Only this state.")] = None,
    since: Annotated[str | None, typer.Option(help="Created at or after (ISO 8601).")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many, newest first.")] = 50,
    attempts: Annotated[
        int | None, typer.Option(help="Show every attempt of this delivery id instead.")
    ] = None,
) -> None:
    """List deliveries newest first, or every attempt of one delivery.

    Examples:

        healthbridge webhooks deliveries --state failed

        healthbridge webhooks deliveries --endpoint ENDPOINT_ID --since 2026-11-24T09:00:00Z

        healthbridge webhooks deliveries --attempts 42
    """
    if state is not None and state not in DELIVERY_STATES:
        fail(f"--state must be one of {', '.join(DELIVERY_STATES)}")
    if attempts is not None:
        _print_attempts(attempts)
        return
    moment = _when(since, "--since")
    found = _with(
        lambda area: area.log.list(endpoint_id=endpoint, state=state, since=moment, limit=limit)
    )
    table = Table("id", "endpoint", "webhook-id", "type", "state", "tries", "last", "next")
    for d in found:
        table.add_row(
            str(d.id),
            d.endpoint_id[:13],
            d.event_id,
            d.event_type,
            d.state,
            str(d.attempts),
            _last(d),
            d.next_attempt_at.isoformat(timespec="seconds") if d.state == "pending" else "",
        )
    console.print(table)


def _last(delivery: DeliveryRecord) -> str:
    if delivery.last_status is not None:
        return str(delivery.last_status)
    return delivery.last_error or ""


def _print_attempts(delivery_id: int) -> None:
    async def gather(area: Webhooks) -> tuple[DeliveryRecord, list[list[str]]]:
        delivery = await area.log.get(delivery_id)
        rows = [
            [
                str(a.attempt),
                a.started_at.isoformat(timespec="milliseconds"),
                str(a.status_code or ""),
                a.error_kind or "ok",
                f"{a.latency_ms:.1f}",
                a.worker,
                (a.response_excerpt or "")[:60],
            ]
            for a in await area.log.attempts(delivery_id)
        ]
        return delivery, rows

    delivery, rows = _with(gather)
    console.print(
        f"delivery {delivery.id}  webhook-id {delivery.event_id}  state {delivery.state}",
        markup=False,
    )
    table = Table("#", "started", "status", "result", "ms", "worker", "response")
    for row in rows:
        table.add_row(*row)
    console.print(table)


@app.command("retry")
def retry(
    delivery_id: Annotated[int | None, typer.Argument(help="One delivery to send again.")] = None,
    endpoint: Annotated[
        str | None, typer.Option(help="Every failed or expired delivery of this endpoint.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Every failed or expired delivery since (ISO 8601).")
    ] = None,
) -> None:
    """Send deliveries again with the same webhook-id: a retry replaces, never duplicates.

    Examples:

        healthbridge webhooks retry 42

        healthbridge webhooks retry --endpoint ENDPOINT_ID

        healthbridge webhooks retry --since 2026-11-24T09:00:00Z
    """
    if delivery_id is None and endpoint is None and since is None:
        fail("name a delivery id, --endpoint or --since")
    if delivery_id is not None:
        if endpoint is not None or since is not None:
            fail("give a delivery id alone, or --endpoint/--since")
        _with(lambda area: area.log.retry_delivery(delivery_id))
        console.print(f"delivery {delivery_id} queued again")
        return
    moment = _when(since, "--since")
    count = _with(lambda area: area.log.retry_failed(endpoint_id=endpoint, since=moment))
    console.print(f"{count} deliveries queued again")


@app.command("kill-switch")
def kill_switch(
    action: Annotated[str, typer.Argument(help="on, off or status.")],
    scope: Annotated[str, typer.Option(help="global, consumer or endpoint.")] = "global",
    target: Annotated[str, typer.Option(help="The consumer name or endpoint id.")] = "",
    reason: Annotated[str | None, typer.Option(help="Why (kept with the switch).")] = None,
) -> None:
    """Stop every delivery and retry of a scope at once, or let them flow again.

    Releasing never wakes deliveries older than the wake window: they become expired.

    Examples:

        healthbridge webhooks kill-switch on --reason "receiver incident"

        healthbridge webhooks kill-switch on --scope consumer --target pharmacy

        healthbridge webhooks kill-switch off --scope consumer --target pharmacy

        healthbridge webhooks kill-switch status
    """
    if action == "status":
        switches = _with(lambda area: area.registry.kill_switches())
        table = Table("scope", "target", "engaged", "reason")
        for k in switches:
            table.add_row(
                k.scope, k.target or "*", k.engaged_at.isoformat(timespec="seconds"), k.reason or ""
            )
        console.print(table)
        return
    if action == "on":
        _with(lambda area: area.registry.engage_kill_switch(scope, target, reason))
        console.print(f"kill switch on: {scope} {target}".rstrip())
        return
    if action == "off":
        expired = _with(lambda area: area.registry.release_kill_switch(scope, target))
        console.print(f"kill switch off: {scope} {target}".rstrip())
        if expired:
            console.print(f"{expired} held deliveries were too old and are now expired")
        return
    fail("action must be on, off or status")
