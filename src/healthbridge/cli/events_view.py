"""What the events and dlq commands share: settings, the bus and the store, opened together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from healthbridge.bootstrap import Store, open_store
from healthbridge.cli.output import fail
from healthbridge.core import ConfigError, Settings, load_settings
from healthbridge.events import EventBus, open_event_bus


def load() -> Settings:
    """The settings, or a readable error naming the bad key."""
    try:
        return load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)


@asynccontextmanager
async def open_bus(settings: Settings) -> AsyncIterator[tuple[Store, EventBus]]:
    """The store and the event bus (joining the hub's embedded server when it runs)."""
    async with (
        open_store(settings) as store,
        open_event_bus(settings.events, store.engine, data_dir=settings.data_dir) as bus,
    ):
        yield store, bus
