"""``OdooClient``: the hub's one way to talk to an Odoo instance (it satisfies ``OdooPort``).

It detects the server's version, picks the protocol, authenticates, then runs every
call through one pooled HTTP session under a circuit breaker, with retries for reads and
for calls the caller marks idempotent. Whatever the protocol, the calling convention and
the results are the same: ``create`` returns a list of ids, rows look alike, and errors
are the typed errors of ``errors.py``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Final

from healthbridge.connectors.odoo.detection import ServerVersion
from healthbridge.connectors.odoo.errors import CallSite, ProtocolName
from healthbridge.connectors.odoo.fields_cache import FieldsCache
from healthbridge.connectors.odoo.guard import CallGuard
from healthbridge.connectors.odoo.handshake import handshake
from healthbridge.connectors.odoo.hooks import CallHook
from healthbridge.connectors.odoo.paging import Record, pages
from healthbridge.connectors.odoo.retrying import may_retry
from healthbridge.connectors.odoo.transport import HttpTransport
from healthbridge.connectors.odoo.wire import OdooWire
from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.settings import OdooSettings
from healthbridge.resilience.breaker import CircuitBreaker

Domain = Sequence[Any]

DEFAULT_PAGE_SIZE: Final = 500
_RESERVED_PARAMS: Final = frozenset({"ids", "context"})


class OdooClient:
    """An authenticated async client for one Odoo database; build it with ``connect``."""

    def __init__(
        self,
        *,
        transport: HttpTransport,
        wire: OdooWire,
        version: ServerVersion,
        uid: int,
        guard: CallGuard,
        fields_cache: FieldsCache,
        database: str,
    ) -> None:
        self._transport = transport
        self._wire = wire
        self._version = version
        self._uid = uid
        self._guard = guard
        self._fields_cache = fields_cache
        self.database = database

    @classmethod
    async def connect(
        cls,
        settings: OdooSettings,
        *,
        hook: CallHook | None = None,
        clock: Clock | None = None,
    ) -> OdooClient:
        """Detect the server, choose the protocol and authenticate; close it when done.

        Raises ``ConfigError`` without ``odoo.url`` or ``odoo.api_key``, and the typed
        Odoo errors (``OdooAuthenticationError``, ``OdooTransportError``...) otherwise.
        """
        opened = await handshake(settings, hook=hook, clock=clock or SystemClock())
        return cls(
            transport=opened.transport,
            wire=opened.wire,
            version=opened.version,
            uid=opened.uid,
            guard=opened.guard,
            fields_cache=FieldsCache(settings.fields_cache_seconds, opened.clock),
            database=settings.database,
        )

    @property
    def url(self) -> str:
        """The Odoo base URL this client calls."""
        return self._transport.base_url

    @property
    def protocol(self) -> ProtocolName:
        """The protocol in use: ``json2``, ``jsonrpc`` or ``xmlrpc``."""
        return self._wire.name

    @property
    def server_version(self) -> str:
        """Odoo's ``server_version``, e.g. ``"19.0"``."""
        return self._version.version

    @property
    def version_info(self) -> tuple[Any, ...]:
        """Odoo's ``version_info``, e.g. ``(19, 0, 0, "final", 0, "")``."""
        return self._version.version_info

    @property
    def uid(self) -> int:
        """The id of the user the API key belongs to."""
        return self._uid

    @property
    def breaker(self) -> CircuitBreaker:
        """This instance's circuit breaker (for health pages and operator resets)."""
        return self._guard.breaker

    @property
    def fields_cache(self) -> FieldsCache:
        """The ``fields_get`` cache (clear it after installing a module)."""
        return self._fields_cache

    async def close(self) -> None:
        """Release the HTTP pool; safe to call twice."""
        if not self._transport.closed:
            await self._transport.close()

    async def __aenter__(self) -> OdooClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def call(
        self,
        model: str,
        method: str,
        ids: Sequence[int] | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        idempotent: bool = False,
        timeout_seconds: float | None = None,
    ) -> Any:
        """Call any public method by named parameters and return Odoo's result as decoded.

        Retried only for the read methods and when ``idempotent=True``; never pass
        ``idempotent=True`` for a method that creates or posts something.
        """
        params = dict(params or {})
        if reserved := _RESERVED_PARAMS & params.keys():
            raise ValueError(f"pass {sorted(reserved)} as arguments of call(), not in params")
        site = CallSite(model, method, self.protocol)
        record_ids = None if ids is None else [int(record_id) for record_id in ids]

        async def operation() -> Any:
            return await self._wire.execute(
                model, method, record_ids, params, context, timeout_seconds=timeout_seconds
            )

        return await self._guard.run(
            site, operation, retry=may_retry(method, idempotent=idempotent)
        )

    async def context_get(self) -> dict[str, Any]:
        """The user's context (``lang``, ``tz``, ``uid``...)."""
        result = await self.call("res.users", "context_get")
        return dict(result) if isinstance(result, dict) else {}

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
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> list[Record]:
        """Records matching ``domain``; all of them with ``limit=None``, fetched by pages.

        A ``limit`` within ``page_size`` is one call with Odoo's own default order;
        otherwise the rows come by pages, ordered as ``iter_search_read`` describes.
        """
        if limit is not None and 0 < limit <= page_size:
            return await self._search_read_page(
                model,
                domain=list(domain),
                fields=fields,
                offset=offset,
                limit=limit,
                order=order,
                context=context,
            )
        rows: list[Record] = []
        async for page in self.iter_search_read(
            model,
            domain,
            fields,
            offset=offset,
            limit=limit,
            order=order,
            context=context,
            page_size=page_size,
        ):
            rows.extend(page)
        return rows

    async def iter_search_read(
        self,
        model: str,
        domain: Domain = (),
        fields: Sequence[str] | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        order: str | None = None,
        offset: int = 0,
        limit: int | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[list[Record]]:
        """Pages of at most ``page_size`` matching records, in a stable order.

        Without ``order`` pages follow ``id`` by keyset, so concurrent inserts and
        deletes neither skip nor repeat rows; with ``order``, ``id`` breaks ties.
        """

        async def fetch(
            page_domain: list[Any], skip: int, size: int, page_order: str | None
        ) -> list[Record]:
            return await self._search_read_page(
                model,
                domain=page_domain,
                fields=fields,
                offset=skip,
                limit=size,
                order=page_order,
                context=context,
            )

        async for page in pages(
            fetch, domain, page_size=page_size, order=order, offset=offset, limit=limit
        ):
            yield page

    async def _search_read_page(
        self,
        model: str,
        *,
        domain: list[Any],
        fields: Sequence[str] | None,
        offset: int,
        limit: int,
        order: str | None,
        context: Mapping[str, Any] | None,
    ) -> list[Record]:
        params: dict[str, Any] = {"domain": domain, "limit": limit}
        if order is not None:
            params["order"] = order
        if fields is not None:
            params["fields"] = list(fields)
        if offset:
            params["offset"] = offset
        return list(await self.call(model, "search_read", params=params, context=context))

    async def read(
        self,
        model: str,
        ids: Sequence[int],
        fields: Sequence[str] | None = None,
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[Record]:
        """The records with these ids; missing ids are left out, not an error."""
        if not ids:
            return []
        params = {} if fields is None else {"fields": list(fields)}
        return list(await self.call(model, "read", ids, params=params, context=context))

    async def search(
        self,
        model: str,
        domain: Domain = (),
        *,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> list[int]:
        """Ids of the records matching ``domain``."""
        params: dict[str, Any] = {"domain": list(domain)}
        if offset:
            params["offset"] = offset
        if limit is not None:
            params["limit"] = limit
        if order is not None:
            params["order"] = order
        return [int(i) for i in await self.call(model, "search", params=params, context=context)]

    async def search_count(
        self, model: str, domain: Domain = (), *, context: Mapping[str, Any] | None = None
    ) -> int:
        """How many records match ``domain``."""
        params = {"domain": list(domain)}
        return int(await self.call(model, "search_count", params=params, context=context))

    async def create(
        self,
        model: str,
        vals_list: Sequence[Mapping[str, Any]],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[int]:
        """Create one record per mapping and return their ids, in order; never retried."""
        if not vals_list:
            return []
        params = {"vals_list": [dict(vals) for vals in vals_list]}
        created = await self.call(model, "create", params=params, context=context)
        # Odoo returns a bare id when given one dict; the list form always gives a list.
        return [int(created)] if isinstance(created, int) else [int(i) for i in created]

    async def write(
        self,
        model: str,
        ids: Sequence[int],
        vals: Mapping[str, Any],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> bool:
        """Write ``vals`` on every record in ``ids``; never retried."""
        params = {"vals": dict(vals)}
        return bool(await self.call(model, "write", ids, params=params, context=context))

    async def unlink(
        self, model: str, ids: Sequence[int], *, context: Mapping[str, Any] | None = None
    ) -> bool:
        """Delete the records; never retried."""
        return bool(await self.call(model, "unlink", ids, context=context))

    async def fields_get(
        self,
        model: str,
        attributes: Sequence[str] | None = None,
        *,
        allfields: Sequence[str] | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> dict[str, dict[str, Any]]:
        """Field definitions of ``model``, served from the cache for ``fields_cache_seconds``."""
        context_json = json.dumps(dict(context or {}), sort_keys=True, default=str)
        key = FieldsCache.key(model, allfields, attributes, context_json)
        cached = self._fields_cache.get(key)
        if cached is not None:
            return cached
        params: dict[str, Any] = {}
        if allfields is not None:
            params["allfields"] = list(allfields)
        if attributes is not None:
            params["attributes"] = list(attributes)
        fields = dict(await self.call(model, "fields_get", params=params, context=context))
        self._fields_cache.put(key, fields)
        return fields

    async def name_search(
        self,
        model: str,
        name: str = "",
        *,
        domain: Domain = (),
        operator: str = "ilike",
        limit: int = 100,
        context: Mapping[str, Any] | None = None,
    ) -> list[tuple[int, str]]:
        """``(id, display name)`` pairs of records whose name matches ``name``."""
        params: dict[str, Any] = {"name": name, "operator": operator, "limit": limit}
        if domain:
            params["domain"] = list(domain)
        pairs = await self.call(model, "name_search", params=params, context=context)
        return [(int(pair[0]), str(pair[1])) for pair in pairs]
