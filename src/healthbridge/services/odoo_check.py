"""What an integration key may do in an Odoo, asked without changing anything.

``healthbridge odoo check`` runs this before anyone relies on a key: a key that cannot
read ``stock.quant`` or write ``purchase.order`` is found at set-up time, not at the
first replenishment at 3 a.m.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from healthbridge.core import Clock, HealthbridgeError, SystemClock
from healthbridge.services.ports import OdooPort

Operation = Literal["read", "write", "create", "unlink"]
OPERATIONS: tuple[Operation, ...] = ("read", "write", "create", "unlink")

HUB_MODELS: tuple[str, ...] = (
    "res.partner",
    "product.product",
    "stock.warehouse",
    "stock.location",
    "stock.quant",
    "stock.lot",
    "stock.picking",
    "purchase.order",
    "sale.order",
    "account.move",
    "account.payment",
    "hr.employee",
)
"""The Odoo models the hub works with."""

_DENIED = "odoo.access_denied"
_UNKNOWN_METHOD = "odoo.unknown_method"
_UNKNOWN_MODEL = "odoo.unknown_model"


@dataclass(frozen=True, slots=True)
class ModelAccess:
    """May the key read, write, create and delete records of ``model``? None: unknown."""

    model: str
    installed: bool
    rights: dict[str, bool | None]


@dataclass(frozen=True, slots=True)
class LatencySample:
    """Round trips of a cheap read, in milliseconds."""

    samples_ms: tuple[float, ...]

    @property
    def median_ms(self) -> float:
        """The median round trip."""
        return statistics.median(self.samples_ms)


async def measure_latency(
    odoo: OdooPort, *, samples: int = 5, clock: Clock | None = None
) -> LatencySample:
    """Time ``samples`` calls of ``res.users/context_get``: cheap, and every user may call it."""
    clock = clock or SystemClock()
    timings = []
    for _ in range(samples):
        start = clock.monotonic()
        await odoo.call("res.users", "context_get", idempotent=True)
        timings.append((clock.monotonic() - start) * 1000)
    return LatencySample(tuple(timings))


async def probe_access(odoo: OdooPort, models: Sequence[str] = HUB_MODELS) -> list[ModelAccess]:
    """Ask Odoo, per model and operation, whether the key's user has the right.

    Uses ``has_access`` (Odoo 18+) and falls back to ``check_access_rights`` (16-17); it
    reads nothing but a count and writes nothing.
    """
    report = []
    for model in models:
        try:
            await odoo.search_count(model, [("id", "=", 0)])
            readable: bool | None = True
        except HealthbridgeError as exc:
            if exc.code == _UNKNOWN_MODEL:
                report.append(ModelAccess(model, installed=False, rights={}))
                continue
            if exc.code != _DENIED:
                raise
            readable = False
        rights: dict[str, bool | None] = {"read": readable}
        for operation in OPERATIONS[1:]:
            rights[operation] = await _may(odoo, model, operation)
        report.append(ModelAccess(model, installed=True, rights=rights))
    return report


async def _may(odoo: OdooPort, model: str, operation: Operation) -> bool | None:
    try:
        return bool(
            await odoo.call(
                model, "has_access", ids=[], params={"operation": operation}, idempotent=True
            )
        )
    except HealthbridgeError as exc:
        if exc.code == _DENIED:
            return False
        if exc.code != _UNKNOWN_METHOD:
            raise
    try:
        return bool(
            await odoo.call(
                model,
                "check_access_rights",
                params={"operation": operation, "raise_exception": False},
                idempotent=True,
            )
        )
    except HealthbridgeError as exc:
        if exc.code in (_DENIED, _UNKNOWN_METHOD):
            return None
        raise
