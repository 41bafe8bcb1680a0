"""The composition root: Settings -> adapters -> services.

No other module constructs a client, an engine or a server. ``open_hub`` builds them in
order and closes them in reverse, so a failure half-way (Odoo unreachable, a bad store
URL) leaves nothing running behind it.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.connectors.hl7v2 import MllpHandler, MllpListener, MllpListenerConfig
from healthbridge.connectors.odoo import CallHook, OdooClient
from healthbridge.core import ConfigError, Settings
from healthbridge.events import EventBus, open_event_bus
from healthbridge.observability import ObservedChangeLog, OdooCallObserver, observe_mllp_handler
from healthbridge.observability.write_traces import WriteTraces
from healthbridge.security.field_encryption import FieldCipher, new_key
from healthbridge.services import ChangeIntake, ChangePoller, Hl7Inbound
from healthbridge.services.change_events import ChangeRelay
from healthbridge.store import (
    ChangeLog,
    MessageLog,
    Watermarks,
    create_store_engine,
    upgrade_engine,
)
from healthbridge.store.event_cursors import RelayCursors

LOCAL_KEY_ID = "local"
"""The id of the field-encryption key an embedded hub makes for itself when none is set."""


@dataclass(frozen=True, slots=True)
class Store:
    """Healthbridge's own state: the migrated engine and its repositories."""

    engine: AsyncEngine
    changes: ChangeLog
    watermarks: Watermarks
    messages: MessageLog


@dataclass(frozen=True, slots=True)
class Hub:
    """Everything one hub process runs, wired together."""

    settings: Settings
    store: Store
    odoo: OdooClient
    intake: ChangeIntake
    poller: ChangePoller
    inbound: Hl7Inbound
    events: EventBus
    relay: ChangeRelay
    write_traces: WriteTraces


@asynccontextmanager
async def open_store(settings: Settings) -> AsyncIterator[Store]:
    """The store at ``settings.store_url()``, migrated to the latest schema.

    Raw HL7 messages carry PHI, so the message log seals them with the same keys that seal
    ``phi`` in events (the embedded hub's own key when none is configured).
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    cipher = message_cipher(settings)
    engine = create_store_engine(settings.store_url(), echo=settings.store.echo)
    try:
        await upgrade_engine(engine)
        messages = MessageLog(engine, cipher=cipher)
        yield Store(engine, ChangeLog(engine), Watermarks(engine), messages)
    finally:
        await engine.dispose()


@asynccontextmanager
async def open_odoo(
    settings: Settings, *, hook: CallHook | None = None
) -> AsyncIterator[OdooClient]:
    """A connected Odoo client for ``settings.odoo``, closed on exit."""
    client = await OdooClient.connect(settings.odoo, hook=hook or OdooCallObserver())
    try:
        yield client
    finally:
        await client.close()


@asynccontextmanager
async def open_hub(settings: Settings, *, hook: CallHook | None = None) -> AsyncIterator[Hub]:
    """The store, the Odoo client and the capture services, ready to run.

    The entry points (CLI, worker) put the HTTP app around these services.
    """
    async with AsyncExitStack() as stack:
        store = await stack.enter_async_context(open_store(settings))
        odoo = await stack.enter_async_context(open_odoo(settings, hook=hook))
        changes = ObservedChangeLog(store.changes)
        intake = ChangeIntake(changes, queue_size=settings.capture.webhook_queue_size)
        poller = ChangePoller.from_settings(odoo, changes, store.watermarks, settings.capture)
        events = await stack.enter_async_context(
            open_event_bus(
                with_local_encryption_key(settings).events,
                store.engine,
                data_dir=settings.data_dir,
            )
        )
        inbound = Hl7Inbound(odoo, store.messages, events=events)
        traces = WriteTraces()
        relay = ChangeRelay(
            store.changes,
            RelayCursors(store.engine),
            events,
            odoo,
            traces=traces.traceparent_for,
        )
        yield Hub(settings, store, odoo, intake, poller, inbound, events, relay, traces)


def message_cipher(settings: Settings) -> FieldCipher:
    """The cipher that seals raw HL7 messages at rest: the keys events are sealed with."""
    keys = with_local_encryption_key(settings).events
    return FieldCipher.from_secrets(keys.encryption_keys, active_key_id=keys.active_key_id())


def with_local_encryption_key(settings: Settings) -> Settings:
    """``settings``, with a key of the hub's own for sealing ``phi`` when none is configured.

    An embedded hub on a laptop has no secret store; rather than refuse every event that
    carries ``phi``, it makes one key on first start, kept beside its data (mode 0600),
    like an SSH host key. A deployment configures ``events.encryption_keys`` instead,
    and then this file is never read or written.
    """
    if settings.events.encryption_keys:
        return settings
    path = settings.data_dir / "keys" / f"{LOCAL_KEY_ID}.key"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.touch(mode=0o600)
        path.write_text(new_key(), encoding="ascii")
    key = SecretStr(path.read_text(encoding="ascii").strip())
    events = settings.events.model_copy(
        update={"encryption_keys": {LOCAL_KEY_ID: key}, "encryption_key_id": LOCAL_KEY_ID}
    )
    return settings.model_copy(update={"events": events})


@dataclass(frozen=True, slots=True)
class HttpServer:
    """A listening HTTP server and where to reach it."""

    url: str
    port: int


class _EmbeddedServer(uvicorn.Server):
    """uvicorn inside the hub's own event loop: signals stay with the hub, which stops it."""

    def capture_signals(self) -> contextlib.AbstractContextManager[None]:  # type: ignore[override]
        return contextlib.nullcontext()


@asynccontextmanager
async def serve_http(app: FastAPI, host: str, port: int) -> AsyncIterator[HttpServer]:
    """Serve ``app`` with uvicorn on ``host:port`` (0 picks a free port) until exit.

    The socket is bound here, before uvicorn starts, so a taken port is a clear error
    instead of uvicorn's exit from inside a task.
    """
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"the hub could not listen on {host}:{port} ({exc.strerror}): "
            "set server.port (HEALTHBRIDGE_SERVER__PORT) to a free port, or 0",
            details={"key": "server.port"},
        ) from None
    bound = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = _EmbeddedServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name="healthbridge-http")
    try:
        while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn offers a flag, not an event
            await asyncio.sleep(0.01)
        if task.done():
            await task
        url_host = f"[{host}]" if ":" in host else host
        yield HttpServer(f"http://{url_host}:{bound}", bound)
    finally:
        server.should_exit = True
        await task
        sock.close()


def mllp_listener(
    settings: Settings, handler: MllpHandler, *, host: str | None = None, port: int | None = None
) -> MllpListener:
    """The HL7 v2 listener configured by ``settings.mllp``; start it with ``async with``."""
    options = settings.mllp
    config = MllpListenerConfig(
        host=host or options.host,
        port=options.port if port is None else port,
        max_message_bytes=options.max_message_bytes,
        idle_timeout_seconds=options.idle_timeout_seconds,
        handler_timeout_seconds=options.handler_timeout_seconds,
        max_connections=options.max_connections,
    )
    return MllpListener(observe_mllp_handler(handler), config)
