"""Change capture, counted: a change log wrapper that records what each source saw.

``ObservedChangeLog`` wraps the change log that ``ChangeIntake`` (webhooks) and
``ChangePoller`` (``write_date`` polling) write to, and counts each observation in
``healthbridge_change_captures_total{source, outcome}``: ``new`` the first time a change
is seen, ``seen`` when the other source (or a duplicate webhook) had it already. The
ratio tells an operator how much the poller catches that webhooks missed.

Generic over the change and watermark types, so this layer needs no canonical import;
``ObservedChangeLog[OdooChange, Watermark]`` satisfies the services' ``ChangeLogPort``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

from healthbridge.observability.metrics import METRICS, HubMetrics

C = TypeVar("C")
W = TypeVar("W")
C_contra = TypeVar("C_contra", contravariant=True)
W_contra = TypeVar("W_contra", contravariant=True)


class ChangeLogLike(Protocol[C_contra, W_contra]):
    """The two writes change capture makes (``services.ports.ChangeLogPort``)."""

    async def record(self, change: C_contra) -> bool: ...

    async def record_page(self, changes: Sequence[C_contra], watermark: W_contra) -> int: ...


class ObservedChangeLog(Generic[C, W]):
    """Delegates to ``inner`` and counts webhook and poller observations."""

    def __init__(self, inner: ChangeLogLike[C, W], metrics: HubMetrics | None = None) -> None:
        self._inner = inner
        self._metrics = metrics if metrics is not None else METRICS

    async def record(self, change: C) -> bool:
        """A webhook's change: counted ``new`` or ``seen``."""
        first = await self._inner.record(change)
        self._metrics.record_change_captured("webhook", "new" if first else "seen")
        return first

    async def record_page(self, changes: Sequence[C], watermark: W) -> int:
        """A poller page: its new changes and the ones already known, counted apart."""
        new = await self._inner.record_page(changes, watermark)
        self._metrics.record_change_captured("poller", "new", new)
        self._metrics.record_change_captured("poller", "seen", len(changes) - new)
        return new
