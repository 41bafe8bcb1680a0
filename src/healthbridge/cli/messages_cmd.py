"""``healthbridge messages``: inbound HL7 v2 messages as received, their ACKs, reprocessing.

Raw messages are sealed at rest with the hub's field-encryption key (the configured
``events.encryption_keys``, or the embedded hub's own local key); ``message_log`` opens
the log with that key, so ``show --raw`` and ``reprocess`` read what the listener sealed.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.bootstrap import message_cipher, open_hub, open_store
from healthbridge.cli.embedded import embedded_odoo
from healthbridge.cli.output import console, fail, run
from healthbridge.core import ConfigError, HealthbridgeError, Settings, load_settings
from healthbridge.store.messages import InboundMessage, MessageLog

app = typer.Typer(help="Inspect and reprocess inbound HL7 v2 messages.", no_args_is_help=True)

STATUSES = ("received", "accepted", "error", "rejected")


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)


def message_log(settings: Settings, engine: AsyncEngine) -> MessageLog:
    """The message log on ``engine``, sealing and opening raw messages with the hub's key.

    The key is the one events are sealed with: ``events.encryption_keys``, or the local
    key an embedded hub keeps in its data directory (made on first use).
    """
    return MessageLog(engine, cipher=message_cipher(settings))


@app.command("list")
def list_messages(
    limit: Annotated[int, typer.Option(min=1, help="How many, newest first.")] = 50,
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
) -> None:
    """List inbound messages, newest first: id, sender, control id, type, status, error.

    Examples:

        healthbridge messages list

        healthbridge messages list --status error --limit 20
    """
    if status is not None and status not in STATUSES:
        fail(f"status must be one of {', '.join(STATUSES)}")
    run(_list(_settings(), limit, status))


async def _list(settings: Settings, limit: int, status: str | None) -> None:
    async with open_store(settings) as store:
        found = await store.messages.latest(limit, status=status)
    table = Table("id", "received", "sender", "control id", "type", "status", "tries", "error")
    for message in found:
        table.add_row(
            str(message.id),
            message.received_at.isoformat(timespec="seconds"),
            f"{message.sending_application}/{message.sending_facility}",
            message.control_id or "",
            f"{message.message_type or '?'}^{message.trigger_event or '?'}",
            message.status,
            str(message.attempts),
            message.error_code or "",
        )
    console.print(table)


@app.command("show")
def show(
    message_id: Annotated[int, typer.Argument(help="The message id (see `messages list`).")],
    raw: Annotated[bool, typer.Option("--raw", help="Also print the message (holds PHI).")] = False,
) -> None:
    """Show one message: metadata, status, error and the ACK sent; --raw adds the message.

    Examples:

        healthbridge messages show 42

        healthbridge messages show 42 --raw
    """
    run(_show(_settings(), message_id, raw))


async def _show(settings: Settings, message_id: int, raw: bool) -> None:
    async with open_store(settings) as store:
        message = await message_log(settings, store.engine).get(message_id)
    if message is None:
        fail(f"no inbound message has id {message_id}", code="hl7.unknown_message", exit_code=1)
    _print(message, raw)  # a message that does not open fails cleanly through ``run``


def _print(message: InboundMessage, raw: bool) -> None:
    console.print(f"id {message.id}  status [bold]{message.status}[/]  tries {message.attempts}")
    console.print(
        f"from {message.sending_application}/{message.sending_facility}  "
        f"control id {message.control_id or '-'}  "
        f"type {message.message_type or '?'}^{message.trigger_event or '?'}  "
        f"received {message.received_at.isoformat()}"
    )
    if message.reprocessed_from is not None:
        console.print(f"reprocess attempt of message {message.reprocessed_from}")
    if message.error_code:
        console.print(f"error {message.error_code}: {message.error_text or ''}")
    if message.ack is not None:
        console.print("ACK:", markup=False)
        console.print(_segments(message.ack), markup=False)
    if raw:
        console.print("message as received:", markup=False)
        console.print(_segments(message.raw), markup=False)


def _segments(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


@app.command("reprocess")
def reprocess(
    message_id: Annotated[int, typer.Argument(help="The message id (see `messages list`).")],
) -> None:
    """Apply a stored message to Odoo again from its raw bytes and print the new ACK.

    Writes are upserts keyed on business identifiers, so what a failed attempt wrote is
    completed, not duplicated. The attempt is stored linked to the original.

    Examples:

        healthbridge messages reprocess 42
    """
    run(_reprocess(_settings(), message_id))


async def _reprocess(configured: Settings, message_id: int) -> None:
    async with embedded_odoo(configured) as (settings, _), open_hub(settings) as hub:
        try:
            ack = await hub.inbound.reprocess(message_id)
        except HealthbridgeError as exc:
            fail(exc.safe_message, code=exc.code, exit_code=1)
    console.print(_segments(ack), markup=False)
