"""Inventory availability: served from the read model, read through to Odoo when too old.

The hot path is a dictionary lookup: products sit in an in-process cache in front of the
read model's tables, updated on every write this process makes. Entries are re-read from
the table after ``cache_seconds`` (once, however many requests find the entry expired),
so a write made by another process (a worker applying captured changes) shows up within
that time; a re-read that finds the same data keeps the entry and its ``revision``. Data
older than ``staleness_seconds`` is never served: the product is re-read from Odoo (once,
however many requests are waiting for it), written to the read model and then answered
with age zero.

Change capture keeps it fresh: :meth:`InventoryAvailability.apply_changes` takes captured
``stock.quant``, ``stock.lot``, ``stock.location`` and ``product.product`` changes and
re-reads the affected products from Odoo; :meth:`refresh_all` rebuilds everything.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.errors import InvalidRequestError, NotFoundError
from healthbridge.services.ports import Domain, OdooPort, Record
from healthbridge.services.read_model_ports import InventoryReadModelPort, ProductSnapshot

PRODUCT = "product.product"
QUANT = "stock.quant"
LOT = "stock.lot"
LOCATION = "stock.location"
CAPTURED_MODELS = (PRODUCT, QUANT, LOT, LOCATION)
"""The Odoo models whose captured changes :meth:`InventoryAvailability.apply_changes` uses."""

_PRODUCT_FIELDS = ("id", "name", "default_code", "barcode", "uom_id", "active", "type")
_QUANT_FIELDS = ("id", "product_id", "location_id", "lot_id", "quantity", "reserved_quantity")
_INTERNAL: Domain = [("location_id.usage", "=", "internal")]
_ALL = {"active_test": False}

Source = Literal["read_model", "odoo"]


class ChangedRecord(Protocol):
    """A captured change as :meth:`InventoryAvailability.apply_changes` reads it.

    Both ``OdooChange`` (as observed) and ``RecordedChange`` (as the change log holds it)
    fit; only the model and the record id matter here.
    """

    @property
    def model(self) -> str: ...
    @property
    def record_id(self) -> int: ...


@dataclass(frozen=True, slots=True)
class StockedQuant:
    """One quant as the use case builds it from Odoo rows (a ``QuantSnapshot``)."""

    quant_id: int
    location_id: int
    location_name: str
    lot_id: int | None
    lot_name: str | None
    expiry: datetime | None
    quantity: float
    reserved: float


@dataclass(frozen=True, slots=True)
class StockedProduct:
    """One product and its quants as read from Odoo at ``refreshed_at`` (a ``ProductSnapshot``)."""

    product_id: int
    name: str
    default_code: str | None
    barcode: str | None
    uom: str | None
    refreshed_at: datetime
    quants: tuple[StockedQuant, ...]


@dataclass(frozen=True, slots=True)
class LotStock:
    """How much of one lot sits in a location, and when the lot expires."""

    lot_id: int | None
    lot_name: str | None
    expiry: datetime | None
    quantity: float
    reserved: float


@dataclass(frozen=True, slots=True)
class LocationStock:
    """A product's stock in one internal location, lot by lot (earliest expiry first)."""

    location_id: int
    location_name: str
    quantity: float
    reserved: float
    lots: tuple[LotStock, ...]

    @property
    def available(self) -> float:
        """On hand less reserved: what can still be picked."""
        return self.quantity - self.reserved


@dataclass(frozen=True, slots=True)
class Availability:
    """A product's stock per location, with the data's age and where it came from."""

    product_id: int
    name: str
    default_code: str | None
    barcode: str | None
    uom: str | None
    locations: tuple[LocationStock, ...]
    as_of: datetime
    age_seconds: float
    staleness_bound_seconds: float
    source: Source
    revision: int
    """Changes whenever the product's data in this process changes (never reused), so a
    caller may cache what it derives from an answer under ``(revision, source, filter)``;
    only ``age_seconds`` then needs computing per request."""


@dataclass(slots=True)
class _Entry:
    snapshot: ProductSnapshot
    locations: tuple[LocationStock, ...]
    loaded_at: float
    revision: int


class InventoryAvailability:
    """The availability use case: read model first, Odoo past the staleness bound."""

    def __init__(
        self,
        odoo: OdooPort,
        read_model: InventoryReadModelPort,
        *,
        staleness_seconds: float = 60.0,
        cache_seconds: float = 1.0,
        clock: Clock | None = None,
    ) -> None:
        if staleness_seconds <= 0 or cache_seconds < 0:
            raise ValueError("staleness_seconds must be > 0 and cache_seconds >= 0")
        self._odoo = odoo
        self._read_model = read_model
        self._staleness = staleness_seconds
        self._cache_seconds = cache_seconds
        self._clock = clock or SystemClock()
        self._entries: dict[int, _Entry] = {}
        self._keys: dict[str, int] = {}
        self._inflight: dict[str, asyncio.Task[_Entry]] = {}
        self._reloads: dict[str, asyncio.Task[_Entry | None]] = {}
        self._revisions = itertools.count(1)

    @property
    def staleness_seconds(self) -> float:
        """The configured bound: older data is re-read from Odoo before it is served."""
        return self._staleness

    async def warm(self) -> int:
        """Load every product the read model holds into the cache; how many."""
        products = await self._read_model.all()
        for product in products:
            self._remember(product)
        return len(products)

    async def availability(self, product: str, location: str | None = None) -> Availability:
        """Stock of ``product`` (GTIN or internal reference), optionally in one location.

        ``location`` is an Odoo location id, or its full name (``WH/Stock``), which
        includes the locations inside it. NotFoundError when Odoo has no such product.
        """
        key = product.strip()
        if not key:
            raise InvalidRequestError("product must be a GTIN or an internal reference")
        entry = await self._cached(key)
        source: Source = "read_model"
        now = self._clock.now()
        if entry is None or _age(entry.snapshot, now) > self._staleness:
            entry = await self._read_through(key)
            source = "odoo"
            now = self._clock.now()
        return _answer(entry, location, now, self._staleness, source)

    async def apply_changes(self, changes: Sequence[ChangedRecord]) -> int:
        """Re-read from Odoo every product these captured changes touch; how many.

        Changes of other models are ignored, so the whole capture stream can be passed.
        """
        by_model: dict[str, set[int]] = {}
        for change in changes:
            if change.model in CAPTURED_MODELS:
                by_model.setdefault(change.model, set()).add(change.record_id)
        if not by_model:
            return 0
        affected = set(by_model.get(PRODUCT, ()))
        quants = sorted(by_model.get(QUANT, ()))
        lots = sorted(by_model.get(LOT, ()))
        locations = sorted(by_model.get(LOCATION, ()))
        affected |= await self._read_model.products_of(
            quant_ids=quants, lot_ids=lots, location_ids=locations
        )
        if quants:
            rows = await self._odoo.read(QUANT, quants, ["product_id"])
            affected |= {pid for row in rows if (pid := _many2one_id(row, "product_id"))}
        if lots:
            rows = await self._odoo.read(LOT, lots, ["product_id"], context=_ALL)
            affected |= {pid for row in rows if (pid := _many2one_id(row, "product_id"))}
        await self.refresh_products(sorted(affected))
        return len(affected)

    async def refresh_products(self, product_ids: Sequence[int]) -> None:
        """Re-read these products and their quants from Odoo; gone or archived ones are dropped."""
        if not product_ids:
            return
        rows = await self._odoo.read(PRODUCT, list(product_ids), list(_PRODUCT_FIELDS))
        live = [row for row in rows if row.get("active", True) and row.get("type") != "service"]
        snapshots = await self._snapshots(live)
        gone = sorted(set(product_ids) - {s.product_id for s in snapshots})
        await self._read_model.put(snapshots)
        await self._read_model.remove(gone)
        for snapshot in snapshots:
            self._remember(snapshot)
        for product_id in gone:
            self._forget(product_id)

    async def refresh_all(self) -> int:
        """Rebuild the read model from Odoo (every stocked product); how many products."""
        rows = await self._odoo.search_read(
            PRODUCT, [("type", "!=", "service")], list(_PRODUCT_FIELDS), order="id asc"
        )
        snapshots = await self._snapshots(rows, all_products=True)
        await self._read_model.replace_all(snapshots)
        self._entries.clear()
        self._keys.clear()
        for snapshot in snapshots:
            self._remember(snapshot)
        return len(snapshots)

    async def _cached(self, key: str) -> _Entry | None:
        product_id = self._keys.get(key)
        entry = self._entries.get(product_id) if product_id is not None else None
        if entry is not None and self._clock.monotonic() - entry.loaded_at <= self._cache_seconds:
            return entry
        task = self._reloads.get(key)
        if task is None:  # one read of the table however many requests find the entry expired
            task = asyncio.ensure_future(self._reload(key))
            self._reloads[key] = task
            task.add_done_callback(lambda _t: self._reloads.pop(key, None))
        return await asyncio.shield(task)

    async def _reload(self, key: str) -> _Entry | None:
        stored = await self._read_model.find(key)
        if stored is None:
            return None
        return self._remember(stored)

    async def _read_through(self, key: str) -> _Entry:
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(self._fetch(key))
            self._inflight[key] = task
            task.add_done_callback(lambda _t: self._inflight.pop(key, None))
        return await asyncio.shield(task)

    async def _fetch(self, key: str) -> _Entry:
        domain: Domain = ["|", ("barcode", "=", key), ("default_code", "=", key)]
        rows = await self._odoo.search_read(
            PRODUCT, domain, list(_PRODUCT_FIELDS), order="id asc", limit=5
        )
        rows = [row for row in rows if row.get("type") != "service"]
        if not rows:
            raise NotFoundError(
                "no stocked product has this GTIN or internal reference",
                details={"model": PRODUCT},
            )
        chosen = next((row for row in rows if row.get("barcode") == key), rows[0])
        [snapshot] = await self._snapshots([chosen])
        await self._read_model.put([snapshot])
        return self._remember(snapshot)

    async def _snapshots(
        self, products: Sequence[Record], *, all_products: bool = False
    ) -> list[StockedProduct]:
        ids = [int(row["id"]) for row in products]
        if not ids:
            return []
        domain: Domain = list(_INTERNAL)
        if not all_products:
            domain = [("product_id", "in", ids), *domain]
        quants = await self._odoo.search_read(QUANT, domain, list(_QUANT_FIELDS), order="id asc")
        location_ids = sorted({i for q in quants if (i := _many2one_id(q, "location_id"))})
        lot_ids = sorted({i for q in quants if (i := _many2one_id(q, "lot_id"))})
        locations = await self._names(LOCATION, location_ids, ["id", "complete_name", "name"])
        lots = await self._names(LOT, lot_ids, ["id", "name", "expiration_date"])
        now = self._clock.now()
        by_product: dict[int, list[StockedQuant]] = {i: [] for i in ids}
        for quant in quants:
            product_id = _many2one_id(quant, "product_id")
            location_id = _many2one_id(quant, "location_id")
            if product_id not in by_product or location_id is None:
                continue
            lot_id = _many2one_id(quant, "lot_id")
            location = locations.get(location_id, {})
            lot = lots.get(lot_id, {}) if lot_id is not None else {}
            by_product[product_id].append(
                StockedQuant(
                    quant_id=int(quant["id"]),
                    location_id=location_id,
                    location_name=str(location.get("complete_name") or location.get("name") or ""),
                    lot_id=lot_id,
                    lot_name=_text(lot.get("name")),
                    expiry=_instant(lot.get("expiration_date")),
                    quantity=float(quant.get("quantity") or 0.0),
                    reserved=float(quant.get("reserved_quantity") or 0.0),
                )
            )
        return [
            StockedProduct(
                product_id=int(row["id"]),
                name=str(row.get("name") or ""),
                default_code=_text(row.get("default_code")),
                barcode=_text(row.get("barcode")),
                uom=_many2one_name(row, "uom_id"),
                refreshed_at=now,
                quants=tuple(by_product[int(row["id"])]),
            )
            for row in products
        ]

    async def _names(
        self, model: str, ids: Sequence[int], fields: Sequence[str]
    ) -> dict[int, Record]:
        if not ids:
            return {}
        rows = await self._odoo.read(model, list(ids), list(fields), context=_ALL)
        return {int(row["id"]): row for row in rows}

    def _remember(self, snapshot: ProductSnapshot) -> _Entry:
        previous = self._entries.get(snapshot.product_id)
        if previous is not None and _content(previous.snapshot) == _content(snapshot):
            previous.loaded_at = self._clock.monotonic()  # same data: same revision
            return previous
        if previous is not None:
            self._drop_keys(previous.snapshot)
        entry = _Entry(snapshot, _group(snapshot), self._clock.monotonic(), next(self._revisions))
        self._entries[snapshot.product_id] = entry
        for key in (snapshot.default_code, snapshot.barcode):
            if key:
                self._keys[key] = snapshot.product_id
        return entry

    def _forget(self, product_id: int) -> None:
        entry = self._entries.pop(product_id, None)
        if entry is not None:
            self._drop_keys(entry.snapshot)

    def _drop_keys(self, snapshot: ProductSnapshot) -> None:
        for key in (snapshot.default_code, snapshot.barcode):
            if key and self._keys.get(key) == snapshot.product_id:
                del self._keys[key]


def _content(snapshot: ProductSnapshot) -> tuple[object, ...]:
    """Everything an answer is made of, comparable across snapshot types."""
    return (
        snapshot.product_id,
        snapshot.name,
        snapshot.default_code,
        snapshot.barcode,
        snapshot.uom,
        snapshot.refreshed_at,
        tuple(
            (
                q.quant_id,
                q.location_id,
                q.location_name,
                q.lot_id,
                q.lot_name,
                q.expiry,
                q.quantity,
                q.reserved,
            )
            for q in snapshot.quants
        ),
    )


def _age(snapshot: ProductSnapshot, now: datetime) -> float:
    return max(0.0, (now - snapshot.refreshed_at).total_seconds())


def _answer(
    entry: _Entry, location: str | None, now: datetime, bound: float, source: Source
) -> Availability:
    snapshot = entry.snapshot
    locations = entry.locations
    if location:
        locations = tuple(_matching(locations, location.strip()))
    return Availability(
        product_id=snapshot.product_id,
        name=snapshot.name,
        default_code=snapshot.default_code,
        barcode=snapshot.barcode,
        uom=snapshot.uom,
        locations=locations,
        as_of=snapshot.refreshed_at,
        age_seconds=round(_age(snapshot, now), 3),
        staleness_bound_seconds=bound,
        source=source,
        revision=entry.revision,
    )


def _matching(locations: Iterable[LocationStock], wanted: str) -> Iterable[LocationStock]:
    by_id = int(wanted) if wanted.isdigit() else None
    exact = wanted.rstrip("/")
    prefix = exact + "/"
    for stock in locations:
        name = stock.location_name
        if stock.location_id == by_id or name == exact or name.startswith(prefix):
            yield stock


def _group(snapshot: ProductSnapshot) -> tuple[LocationStock, ...]:
    grouped: dict[int, list[Any]] = {}
    for quant in snapshot.quants:
        grouped.setdefault(quant.location_id, []).append(quant)
    out = []
    for location_id, quants in grouped.items():
        lots = sorted(
            (
                LotStock(q.lot_id, q.lot_name, q.expiry, q.quantity, q.reserved)
                for q in quants
                if q.lot_id is not None
            ),
            key=lambda lot: (lot.expiry is None, lot.expiry or _EPOCH, lot.lot_name or ""),
        )
        out.append(
            LocationStock(
                location_id=location_id,
                location_name=quants[0].location_name,
                quantity=round(sum(q.quantity for q in quants), 6),
                reserved=round(sum(q.reserved for q in quants), 6),
                lots=tuple(lots),
            )
        )
    return tuple(sorted(out, key=lambda s: s.location_name))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _many2one_id(row: Mapping[str, Any], field: str) -> int | None:
    value = row.get(field)
    if isinstance(value, list | tuple) and value:
        return int(value[0])
    if isinstance(value, int) and not isinstance(value, bool) and value:
        return value
    return None


def _many2one_name(row: Mapping[str, Any], field: str) -> str | None:
    value = row.get(field)
    if isinstance(value, list | tuple) and len(value) > 1 and value[1]:
        return str(value[1])
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
