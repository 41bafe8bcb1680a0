"""Small helpers shared by the events integration tests: sample events and a collector."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal

from healthbridge.canonical.amounts import Quantity
from healthbridge.canonical.events import Hl7MessageAccepted, StockLevelChanged
from healthbridge.canonical.events.base import HL7_MESSAGE_SYSTEM
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.references import Reference
from healthbridge.events import ACK, Outcome, ReceivedEvent

WHEN = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
STOCK = "org.healthbridge.stock.level-changed.v1"
HL7 = "org.healthbridge.hl7.message-accepted.v1"
SECRET_MRN = "MRN-4417-SECRET"


def stock_event(quant_id: int = 7, quantity: str = "12") -> StockLevelChanged:
    """A stock level change of quant ``quant_id``."""
    return StockLevelChanged(
        record=Identifier.odoo("stock.quant", quant_id),
        occurred_at=WHEN,
        product=Reference(identifier=Identifier.odoo("product.product", 3)),
        location=Reference(identifier=Identifier.odoo("stock.location", 8)),
        quantity=Quantity(value=Decimal(quantity), unit="Units"),
    )


def hl7_event() -> Hl7MessageAccepted:
    """An accepted ADT^A08 naming its patient by MRN (phi)."""
    return Hl7MessageAccepted(
        record=Identifier(system=HL7_MESSAGE_SYSTEM, value="41"),
        occurred_at=WHEN,
        message_type="ADT",
        trigger_event="A08",
        control_id="MSG00041",
        patient_identifiers=(
            Identifier(system="urn:oid:1.2.36.146.595.217.0.1", value=SECRET_MRN),
        ),
    )


class Collector:
    """A handler that records what it receives and can be told to fail."""

    def __init__(self, outcome: Callable[[ReceivedEvent], Awaitable[Outcome]] | None = None):
        self.received: list[ReceivedEvent] = []
        self._outcome = outcome
        self._changed = asyncio.Event()

    async def __call__(self, received: ReceivedEvent) -> Outcome:
        self.received.append(received)
        self._changed.set()
        if self._outcome is not None:
            return await self._outcome(received)
        return ACK

    async def wait_for(self, count: int, *, within: float = 10.0) -> list[ReceivedEvent]:
        """Wait until ``count`` events arrived (fails the test after ``within`` seconds)."""
        deadline = time.monotonic() + within
        while len(self.received) < count:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"received {len(self.received)} of {count} events"
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                continue
        return self.received


async def eventually(check: Callable[[], Awaitable[bool]], *, within: float = 10.0) -> None:
    """Poll ``check`` until it holds; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)
