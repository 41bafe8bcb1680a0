"""Which trace last changed an Odoo record, so the event of that change joins the trace.

An API call that writes to Odoo does not publish an event itself: the change comes back
through change capture and the relay, maybe a second later, with no trace context (Odoo
keeps none). The gateway notes, for every record a request creates or changes, the
request's ``traceparent``; the relay looks it up when it publishes that record's change,
so one trace runs from the API call to its last webhook.

The notes live in this process only, bounded in number and age: in a deployment where
the gateway and the relay run in different processes the event starts its own trace,
and the two are joined by business keys (``healthbridge trace business``) instead.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from healthbridge.observability.tracing import current_traceparent


class WriteTraces:
    """A bounded map (model, record id) -> the ``traceparent`` of the last write to it."""

    def __init__(
        self,
        *,
        capacity: int = 10_000,
        max_age_seconds: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: OrderedDict[tuple[str, int], tuple[str, float]] = OrderedDict()
        self._capacity = capacity
        self._max_age = max_age_seconds
        self._clock = clock

    def remember(self, model: str, ids: Iterable[int]) -> None:
        """Note the current span as the writer of these records (nothing outside a span)."""
        traceparent = current_traceparent()
        if traceparent is None:
            return
        now = self._clock()
        for record_id in ids:
            key = (model, int(record_id))
            self._entries.pop(key, None)
            self._entries[key] = (traceparent, now)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)

    def traceparent_for(self, model: str, record_id: int) -> str | None:
        """The ``traceparent`` of the last noted write to this record, if recent enough."""
        entry = self._entries.get((model, record_id))
        if entry is None:
            return None
        traceparent, noted_at = entry
        if self._clock() - noted_at > self._max_age:
            del self._entries[(model, record_id)]
            return None
        return traceparent

    def __len__(self) -> int:
        return len(self._entries)
