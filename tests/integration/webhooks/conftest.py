"""Webhook fixtures: a migrated store, a fast retry schedule, a loopback receiver."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from standardwebhooks.webhooks import Webhook

from healthbridge.core.sections.webhooks import WebhooksSettings
from healthbridge.sandbox.receiver import WebhookReceiver
from healthbridge.store import (
    create_store_engine,
    webhook_schema,  # noqa: F401 - registers the webhook tables
)
from healthbridge.webhooks import Webhooks, open_webhooks

STOCK = "org.healthbridge.stock.level-changed.v1"
ORDER = "org.healthbridge.purchase.order-confirmed.v1"


def fast_settings(**overrides: Any) -> WebhooksSettings:
    """Settings that retry in milliseconds and notice a dead worker within two seconds."""
    values: dict[str, Any] = {
        "retry_schedule_seconds": (0.02, 0.05, 0.1),
        "poll_interval_seconds": 0.05,
        "flush_interval_seconds": 0.005,
        "request_timeout_seconds": 1.0,
        "lease_seconds": 2.0,
        "breaker_failure_threshold": 1000,
        "breaker_reset_seconds": 0.2,
        "api_base_url": "https://hub.example",
    }
    values.update(overrides)
    return WebhooksSettings(**values)


def cloud_event(number: int, *, type_: str = STOCK, subject: str | None = None) -> dict[str, Any]:
    """A structured-mode CloudEvent as the event backbone hands it over."""
    return {
        "specversion": "1.0",
        "id": f"evt-{number:06d}",
        "source": "urn:healthbridge:odoo",
        "type": type_,
        "subject": subject if subject is not None else f"quant-{number}",
        "time": "2026-11-24T10:00:00Z",
        "datacontenttype": "application/json",
        "data": {"product": f"P{number}", "quantity": number},
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    }


def verify_with_reference(receiver: WebhookReceiver, secret: str) -> list[dict[str, Any]]:
    """Every delivery the receiver got, verified by the standardwebhooks package."""
    verifier = Webhook(secret)
    return [verifier.verify(item.body, item.headers) for item in receiver.received]


async def eventually(
    check: Callable[[], Awaitable[bool]], within: float = 10.0, every: float = 0.02
) -> None:
    """Poll ``check`` until it is true; fail the test after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {within} s")
        await asyncio.sleep(every)


@pytest.fixture
async def engine(store_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_store_engine(store_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    async with WebhookReceiver() as running:
        yield running


@pytest.fixture
async def area(engine: AsyncEngine) -> AsyncIterator[Webhooks]:
    async with open_webhooks(fast_settings(), engine) as running:
        yield running


def now() -> datetime:
    return datetime.now(UTC)
