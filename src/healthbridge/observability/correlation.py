"""The port through which every area records a business-transaction step.

Business transactions cross systems: a supply request becomes a purchase order in Odoo,
then a receipt, a vendor bill and a payment. Whichever area performs or observes a step
records it under the business key with ``record_business_event``; the hub can then show
one timeline per key and say which step is late. The port lives here, in the cross-cut
layer, so the gateway, events, webhooks, connectors and workflows can all take it; the
store implements it (``store.business_events.BusinessEvents``).

A step names a record (``purchase.order/17``), never its content.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from healthbridge.observability.tracing import current_trace_id


class BusinessEventSink(Protocol):
    """Where business steps are recorded; recording one twice is a no-op."""

    async def record(
        self,
        business_key: str,
        step: str,
        system: str,
        record_ref: str,
        at: datetime,
        *,
        trace_id: str | None = None,
    ) -> bool:
        """Record one step; False when it was already recorded."""
        ...


class BusinessEventRecorder:
    """``record_business_event`` for one sink, stamping the current trace id on each step."""

    __slots__ = ("_sink",)

    def __init__(self, sink: BusinessEventSink) -> None:
        self._sink = sink

    async def record_business_event(
        self, key: str, step: str, system: str, record_ref: str, at: datetime
    ) -> bool:
        """Record that ``system`` did ``step`` of ``key`` as ``record_ref`` at ``at``."""
        return await self._sink.record(
            key, step, system, record_ref, at, trace_id=current_trace_id()
        )
