"""A bounded stream of Odoo changes: partners created in small batches, with a hook mid-way."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from healthbridge.connectors.odoo import OdooClient

BATCH = 20


async def create_partners(
    odoo: OdooClient,
    total: int,
    *,
    label: str,
    midway: Callable[[], Awaitable[None]] | None = None,
    pause: float = 0.05,
) -> set[int]:
    """Create ``total`` partners ``BATCH`` at a time; ``midway`` runs after half of them.

    Each partner is a change of its own (a new record), so "every change captured and
    published once" can be checked record by record.
    """
    created: set[int] = set()
    batches = range(0, total, BATCH)
    half = len(batches) // 2
    for number, first in enumerate(batches):
        if number == half and midway is not None:
            await midway()
        size = min(BATCH, total - first)
        ids = await odoo.create(
            "res.partner", [{"name": f"{label} {first + n}"} for n in range(size)]
        )
        created.update(ids)
        await asyncio.sleep(pause)
    return created
