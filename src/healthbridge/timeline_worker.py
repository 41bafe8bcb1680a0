"""The business-timeline recorder: a durable subscription that turns events into steps.

Every canonical event of the supply chain (a stock level, a purchase order confirmed, a
receipt, a vendor bill posted or paid) goes through ``BusinessRecorder``, which records
the step it is under its business key; ``healthbridge trace business KEY`` then shows
the chain. The subscription is durable and named, so a restarted hub continues where the
last one acked, and recording is idempotent, so a redelivery records nothing twice.

Its scopes are the narrowest that let it see these events: the three domains, and
``data:financial`` because an invoice's total is required on its event. It never asks
for ``phi``: no step needs a patient.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.canonical.events import (
    InvoicePaid,
    InvoicePosted,
    PurchaseOrderConfirmed,
    StockLevelChanged,
    StockMoveDone,
)
from healthbridge.core.errors import HealthbridgeError
from healthbridge.events import ACK, EventBus, Nak, Outcome, ReceivedEvent, SubscriptionWorker
from healthbridge.services.business_recorder import BusinessRecorder
from healthbridge.services.ports import OdooPort
from healthbridge.store.business_events import BusinessEvents
from healthbridge.workflows.triggers import trace_id_of

log = structlog.get_logger(__name__)

TIMELINE_SUBSCRIPTION = "business-timeline"
"""The durable subscription that records business-transaction steps."""

TIMELINE_EVENT_TYPES = tuple(
    model.event_type
    for model in (
        StockLevelChanged,
        StockMoveDone,
        PurchaseOrderConfirmed,
        InvoicePosted,
        InvoicePaid,
    )
)
"""The events that are (or may be) a step of a chain."""

TIMELINE_SCOPES = (
    "events:inventory.read",
    "events:purchasing.read",
    "events:billing.read",
    "data:financial",
)


class TimelineHandler:
    """The subscription's handler: record the event's steps, ack; retry what failed."""

    def __init__(self, recorder: BusinessRecorder) -> None:
        self._recorder = recorder

    async def __call__(self, received: ReceivedEvent) -> Outcome:
        """Ack once recorded; nak (redelivered with backoff) when Odoo or the store failed."""
        try:
            recorded = await self._recorder.record(
                received.event, received.id, trace_id=trace_id_of(received.cloudevent)
            )
        except (HealthbridgeError, OSError) as error:
            code = error.code if isinstance(error, HealthbridgeError) else type(error).__name__
            log.warning("business_step_not_recorded", event_type=received.type, error=code)
            return Nak(code=code)
        for entry in recorded:
            log.info("business_step_recorded", key=entry.business_key, step=entry.step)
        return ACK


@asynccontextmanager
async def open_timeline_recorder(
    bus: EventBus, odoo: OdooPort, engine: AsyncEngine, *, reorder_point: float | None
) -> AsyncIterator[SubscriptionWorker]:
    """Record business steps from ``bus`` until exit; the subscription stopped on the way out.

    ``reorder_point`` is the replenishment trigger's, so a supply request is recorded
    exactly when the trigger starts a run; pass None where no trigger runs (``serve``,
    which runs no workflows), and no supply request is recorded.
    """
    recorder = BusinessRecorder(odoo, BusinessEvents(engine), reorder_point=reorder_point)
    worker = await bus.subscribe(
        TIMELINE_SUBSCRIPTION, TIMELINE_EVENT_TYPES, TIMELINE_SCOPES, TimelineHandler(recorder)
    )
    try:
        yield worker
    finally:
        await worker.stop()
