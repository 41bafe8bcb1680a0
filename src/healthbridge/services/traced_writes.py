"""An Odoo port that notes which trace wrote each record (see ``observability.write_traces``).

The gateway's route services write through it, so the events the relay later publishes
for those records continue the API call's trace.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from healthbridge.observability.write_traces import WriteTraces
from healthbridge.services.ports import Domain, OdooPort, Record


class TracedWrites:
    """``OdooPort`` over another one; creates, writes and method calls are noted."""

    def __init__(self, odoo: OdooPort, traces: WriteTraces) -> None:
        self._odoo = odoo
        self._traces = traces

    async def search_read(
        self,
        model: str,
        domain: Domain = (),
        fields: Sequence[str] | None = None,
        *,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> list[Record]:
        return await self._odoo.search_read(
            model, domain, fields, offset=offset, limit=limit, order=order, context=context
        )

    async def read(
        self,
        model: str,
        ids: Sequence[int],
        fields: Sequence[str] | None = None,
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[Record]:
        return await self._odoo.read(model, ids, fields, context=context)

    async def search_count(
        self, model: str, domain: Domain = (), *, context: Mapping[str, Any] | None = None
    ) -> int:
        return await self._odoo.search_count(model, domain, context=context)

    async def create(
        self,
        model: str,
        vals_list: Sequence[Mapping[str, Any]],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[int]:
        ids = await self._odoo.create(model, vals_list, context=context)
        self._traces.remember(model, ids)
        return ids

    async def write(
        self,
        model: str,
        ids: Sequence[int],
        vals: Mapping[str, Any],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> bool:
        written = await self._odoo.write(model, ids, vals, context=context)
        self._traces.remember(model, ids)
        return written

    async def unlink(
        self, model: str, ids: Sequence[int], *, context: Mapping[str, Any] | None = None
    ) -> bool:
        return await self._odoo.unlink(model, ids, context=context)

    async def call(
        self,
        model: str,
        method: str,
        ids: Sequence[int] | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        idempotent: bool = False,
    ) -> Any:
        result = await self._odoo.call(
            model, method, ids, params=params, context=context, idempotent=idempotent
        )
        if ids:
            self._traces.remember(model, ids)
        return result
