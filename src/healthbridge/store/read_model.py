"""The inventory read model's repository: products and quants replaced per product.

Writes delete and re-insert a product's rows inside one transaction, so a reader never
sees half a product; ``refreshed_at`` moves with them. Reads return frozen snapshots.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from healthbridge.store.read_model_schema import read_products, read_quants


class _QuantLike(Protocol):
    """What a quant to store must have (the use case's snapshot satisfies it)."""

    @property
    def quant_id(self) -> int: ...
    @property
    def location_id(self) -> int: ...
    @property
    def location_name(self) -> str: ...
    @property
    def lot_id(self) -> int | None: ...
    @property
    def lot_name(self) -> str | None: ...
    @property
    def expiry(self) -> datetime | None: ...
    @property
    def quantity(self) -> float: ...
    @property
    def reserved(self) -> float: ...


class ProductSnapshot(Protocol):
    """What a product to store must have (the store sits below services, so it says it here)."""

    @property
    def product_id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def default_code(self) -> str | None: ...
    @property
    def barcode(self) -> str | None: ...
    @property
    def uom(self) -> str | None: ...
    @property
    def refreshed_at(self) -> datetime: ...
    @property
    def quants(self) -> Sequence[_QuantLike]: ...


@dataclass(frozen=True, slots=True)
class StoredQuant:
    """A quant row as the read model holds it."""

    quant_id: int
    location_id: int
    location_name: str
    lot_id: int | None
    lot_name: str | None
    expiry: datetime | None
    quantity: float
    reserved: float


@dataclass(frozen=True, slots=True)
class StoredProduct:
    """A product row and its quants as the read model holds them."""

    product_id: int
    name: str
    default_code: str | None
    barcode: str | None
    uom: str | None
    refreshed_at: datetime
    quants: tuple[StoredQuant, ...]


class InventoryReadModel:
    """The ``read_products`` and ``read_quants`` tables."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def find(self, key: str) -> StoredProduct | None:
        """The product whose barcode or internal reference is ``key`` (barcode first)."""
        query = (
            select(read_products)
            .where(or_(read_products.c.barcode == key, read_products.c.default_code == key))
            .order_by(read_products.c.product_id)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
            if not rows:
                return None
            chosen = next((row for row in rows if row.barcode == key), rows[0])
            return (await self._with_quants(connection, [chosen]))[0]

    async def get(self, product_id: int) -> StoredProduct | None:
        """The product with this Odoo id, or None."""
        query = select(read_products).where(read_products.c.product_id == product_id)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
            found = await self._with_quants(connection, rows)
        return found[0] if found else None

    async def all(self) -> list[StoredProduct]:
        """Every product with its quants, by product id."""
        async with self._engine.connect() as connection:
            rows = (
                await connection.execute(select(read_products).order_by(read_products.c.product_id))
            ).all()
            return await self._with_quants(connection, rows)

    async def products_of(
        self,
        *,
        quant_ids: Sequence[int] = (),
        lot_ids: Sequence[int] = (),
        location_ids: Sequence[int] = (),
    ) -> set[int]:
        """Ids of the products holding any of these quants, lots or locations."""
        conditions = []
        if quant_ids:
            conditions.append(read_quants.c.quant_id.in_(list(quant_ids)))
        if lot_ids:
            conditions.append(read_quants.c.lot_id.in_(list(lot_ids)))
        if location_ids:
            conditions.append(read_quants.c.location_id.in_(list(location_ids)))
        if not conditions:
            return set()
        query = select(read_quants.c.product_id).where(or_(*conditions)).distinct()
        async with self._engine.connect() as connection:
            return {int(row[0]) for row in (await connection.execute(query)).all()}

    async def put(self, products: Sequence[ProductSnapshot]) -> None:
        """Replace each product and its quants in one transaction."""
        if not products:
            return
        async with self._engine.begin() as connection:
            await _delete(connection, [p.product_id for p in products])
            await _insert(connection, products)

    async def remove(self, product_ids: Sequence[int]) -> None:
        """Forget these products and their quants."""
        if not product_ids:
            return
        async with self._engine.begin() as connection:
            await _delete(connection, product_ids)

    async def replace_all(self, products: Sequence[ProductSnapshot]) -> None:
        """Make the tables hold exactly ``products``, in one transaction."""
        async with self._engine.begin() as connection:
            await connection.execute(delete(read_quants))
            await connection.execute(delete(read_products))
            await _insert(connection, products)

    async def _with_quants(
        self, connection: AsyncConnection, rows: Sequence[Any]
    ) -> list[StoredProduct]:
        if not rows:
            return []
        ids = [int(row.product_id) for row in rows]
        quants: dict[int, list[StoredQuant]] = defaultdict(list)
        for chunk in _chunks(ids, 500):
            query = (
                select(read_quants)
                .where(read_quants.c.product_id.in_(chunk))
                .order_by(read_quants.c.location_name, read_quants.c.expiry, read_quants.c.quant_id)
            )
            for quant in (await connection.execute(query)).all():
                quants[int(quant.product_id)].append(
                    StoredQuant(
                        quant_id=int(quant.quant_id),
                        location_id=int(quant.location_id),
                        location_name=quant.location_name,
                        lot_id=None if quant.lot_id is None else int(quant.lot_id),
                        lot_name=quant.lot_name,
                        expiry=quant.expiry,
                        quantity=float(quant.quantity),
                        reserved=float(quant.reserved),
                    )
                )
        return [
            StoredProduct(
                product_id=int(row.product_id),
                name=row.name,
                default_code=row.default_code,
                barcode=row.barcode,
                uom=row.uom,
                refreshed_at=row.refreshed_at,
                quants=tuple(quants.get(int(row.product_id), ())),
            )
            for row in rows
        ]


async def _delete(connection: AsyncConnection, product_ids: Sequence[int]) -> None:
    for chunk in _chunks(list(product_ids), 500):
        await connection.execute(delete(read_quants).where(read_quants.c.product_id.in_(chunk)))
        await connection.execute(delete(read_products).where(read_products.c.product_id.in_(chunk)))


async def _insert(connection: AsyncConnection, products: Sequence[ProductSnapshot]) -> None:
    product_rows = [
        {
            "product_id": p.product_id,
            "name": p.name,
            "default_code": p.default_code,
            "barcode": p.barcode,
            "uom": p.uom,
            "refreshed_at": p.refreshed_at,
        }
        for p in products
    ]
    quant_rows = [
        {
            "quant_id": q.quant_id,
            "product_id": p.product_id,
            "location_id": q.location_id,
            "location_name": q.location_name,
            "lot_id": q.lot_id,
            "lot_name": q.lot_name,
            "expiry": q.expiry,
            "quantity": q.quantity,
            "reserved": q.reserved,
        }
        for p in products
        for q in p.quants
    ]
    if product_rows:
        await connection.execute(insert(read_products), product_rows)
    if quant_rows:
        await connection.execute(insert(read_quants), quant_rows)


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
