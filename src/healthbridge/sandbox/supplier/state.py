"""What the supplier sandbox remembers: quotes with their reservations, notifications, faults.

Every write is keyed by the caller's ``reference`` so a replayed call returns the first
answer: the hub's replayed workflow steps rely on that, and the tests count calls per
reference to prove which steps ran again.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

ROUTES = ("quotes", "reservations", "notifications")
FAULT_KINDS = ("reject", "error", "slow")


@dataclass
class SupplierFault:
    """One injected fault: ``reject`` (409), ``error`` (503) or ``slow`` (``delay`` seconds)."""

    kind: str
    route: str = "*"
    count: int | None = None
    delay: float = 0.0

    def matches(self, route: str) -> bool:
        """Whether this rule applies to a call of ``route`` and has uses left."""
        return self.route in ("*", route) and (self.count is None or self.count > 0)

    def to_json(self) -> dict[str, Any]:
        """A JSON view for the control API."""
        return {"kind": self.kind, "route": self.route, "count": self.count, "delay": self.delay}


@dataclass
class SupplierState:
    """The catalogue, quotes, reservations, notifications and fault rules of one sandbox."""

    control_token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    unit_price: float = 12.5
    available_quantity: float = 10_000.0
    lead_days: int = 5
    today: date = field(default_factory=date.today)
    quotes: dict[str, dict[str, Any]] = field(default_factory=dict)
    reservations: dict[str, str] = field(default_factory=dict)
    notifications: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    faults: list[SupplierFault] = field(default_factory=list)

    def take_fault(self, route: str) -> SupplierFault | None:
        """The first fault rule for ``route``, one use consumed."""
        for fault in self.faults:
            if fault.matches(route):
                if fault.count is not None:
                    fault.count -= 1
                return fault
        return None

    def quote(self, reference: str, sku: str, quantity: float) -> dict[str, Any]:
        """The quote for ``reference``: the first one made, or a new one holding stock."""
        known = self.quotes.get(reference)
        if known is not None:
            return known
        quote_id = f"Q{len(self.quotes) + 1:05d}"
        available = quantity <= self.available_quantity
        reservation_id = f"R{len(self.quotes) + 1:05d}" if available else None
        quote = {
            "quote_id": quote_id,
            "reference": reference,
            "sku": sku,
            "quantity": quantity,
            "available": available,
            "unit_price": self.unit_price,
            "currency": "EUR",
            "lead_days": self.lead_days,
            "reservation_id": reservation_id,
        }
        self.quotes[reference] = quote
        if reservation_id is not None:
            self.reservations[reservation_id] = "held"
        return quote

    def release(self, reservation_id: str) -> bool:
        """Release a reservation; True when it exists (released now or before)."""
        if reservation_id not in self.reservations:
            return False
        self.reservations[reservation_id] = "released"
        return True

    def notify(self, reference: str, body: dict[str, Any]) -> dict[str, Any]:
        """Acknowledge an order notification once per reference, with a delivery date."""
        known = self.notifications.get(reference)
        if known is not None:
            return known
        delivery = self.today + timedelta(days=self.lead_days)
        ack = {
            "status": "acknowledged",
            "reference": reference,
            "acknowledgement": f"A{len(self.notifications) + 1:05d}",
            "expected_delivery": delivery.isoformat(),
            "order": body,
        }
        self.notifications[reference] = ack
        return ack

    def to_json(self) -> dict[str, Any]:
        """Everything the control API shows."""
        return {
            "quotes": list(self.quotes.values()),
            "reservations": dict(self.reservations),
            "notifications": list(self.notifications.values()),
            "calls": dict(self.calls),
            "faults": [fault.to_json() for fault in self.faults],
        }
