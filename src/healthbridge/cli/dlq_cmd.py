"""``healthbridge dlq``: events that exhausted their deliveries, inspected and re-driven."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from healthbridge.bootstrap import open_store
from healthbridge.cli.events_view import load, open_bus
from healthbridge.cli.output import console, fail, run
from healthbridge.core import Settings
from healthbridge.store.dead_letters import DeadLetter, DeadLetters

app = typer.Typer(
    help="Dead letters: events a subscription could not process, kept for an operator.",
    no_args_is_help=True,
)

STATUSES = ("dead", "redriven")
LIST_COLUMNS = (
    "id", "subscription", "type", "event id", "stream:seq", "tries", "last error", "at", "status",
)  # fmt: skip


@app.command("list")
def list_dead_letters(
    subscription: Annotated[str | None, typer.Option(help="Only this subscription.")] = None,
    status: Annotated[str | None, typer.Option(help="dead (waiting) or redriven.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many, newest first.")] = 50,
) -> None:
    """List dead letters, newest first: id, subscription, type, attempts, last error.

    Examples:

        healthbridge dlq list

        healthbridge dlq list --subscription erp-webhooks --status dead
    """
    if status is not None and status not in STATUSES:
        fail(f"status must be one of {', '.join(STATUSES)}")
    run(_list(load(), subscription, status, limit))


async def _list(
    settings: Settings, subscription: str | None, status: str | None, limit: int
) -> None:
    async with open_store(settings) as store:
        letters = await DeadLetters(store.engine).latest(
            limit, subscription=subscription, status=status
        )
    table = Table(
        "id",
        "subscription",
        "type",
        "event id",
        "stream:seq",
        "tries",
        "last error",
        "at",
        "status",
    )
    for letter in letters:
        last = letter.errors[-1]["code"] if letter.errors else ""
        table.add_row(
            str(letter.id),
            letter.subscription,
            letter.event_type.removeprefix("org.healthbridge."),
            letter.event_id,
            f"{letter.stream}:{letter.stream_seq}",
            str(letter.attempts),
            last,
            letter.dead_lettered_at.isoformat(timespec="seconds"),
            letter.status,
        )
    console.print(table)


@app.command("show")
def show(
    dead_letter_id: Annotated[int, typer.Argument(help="The dead letter id (see `dlq list`).")],
    payload: Annotated[
        bool, typer.Option("--payload", help="Also print the data (phi fields stay sealed).")
    ] = False,
) -> None:
    """Show one dead letter: the event, every failed attempt with its error, re-drives.

    Examples:

        healthbridge dlq show 12

        healthbridge dlq show 12 --payload
    """
    run(_show(load(), dead_letter_id, payload))


async def _show(settings: Settings, dead_letter_id: int, payload: bool) -> None:
    async with open_store(settings) as store:
        letter = await DeadLetters(store.engine).get(dead_letter_id)
    if letter is None:
        fail(
            f"no dead letter has id {dead_letter_id}",
            code="events.unknown_dead_letter",
            exit_code=1,
        )
    _print(letter, payload)


def _print(letter: DeadLetter, payload: bool) -> None:
    console.print(
        f"dead letter {letter.id}  status [bold]{letter.status}[/]  "
        f"subscription {letter.subscription}  attempts {letter.attempts}"
    )
    console.print(
        f"event {letter.event_id}  type {letter.event_type}  subject {letter.subject}  "
        f"at {letter.stream}:{letter.stream_seq}  "
        f"dead-lettered {letter.dead_lettered_at.isoformat()}",
        markup=False,
    )
    if letter.redrive_count:
        redriven = letter.redriven_at.isoformat() if letter.redriven_at else "?"
        console.print(f"re-driven {letter.redrive_count} time(s), last at {redriven}")
    table = Table("attempt", "code", "message", "at")
    for error in letter.errors:
        table.add_row(str(error["attempt"]), error["code"], error["message"], error["failed_at"])
    console.print(table)
    if payload:
        console.print_json(letter.payload.decode("utf-8", errors="replace"))
        console.print(json.dumps(letter.headers, indent=2, sort_keys=True), markup=False)


@app.command("redrive")
def redrive(
    dead_letter_id: Annotated[
        int | None, typer.Argument(help="The dead letter to re-drive (or use --all).")
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Re-drive every waiting dead letter.")
    ] = False,
    subscription: Annotated[
        str | None, typer.Option(help="With --all: only this subscription's.")
    ] = None,
) -> None:
    """Re-publish dead letters to their subscription, with their original event id.

    The copy goes to that subscription alone; the receiver sees the same CloudEvent id
    and can dedupe. Fix the cause first, or the event comes back here.

    Examples:

        healthbridge dlq redrive 12

        healthbridge dlq redrive --all --subscription erp-webhooks
    """
    if (dead_letter_id is None) == (not all_):
        fail("name one dead letter id, or pass --all")
    run(_redrive(load(), dead_letter_id, subscription))


async def _redrive(
    settings: Settings, dead_letter_id: int | None, subscription: str | None
) -> None:
    async with open_bus(settings) as (_, bus):
        if dead_letter_id is not None:
            published = await bus.redrive(dead_letter_id)
            console.print(
                f"re-drove dead letter {dead_letter_id} as {published.stream}:{published.seq}"
            )
            return
        count = await bus.redrive_all(subscription=subscription)
    console.print(f"re-drove {count} dead letter(s)")
