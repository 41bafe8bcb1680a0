"""The port of the inventory read model: stocked products with their quants, replaced whole.

The store implements it (``store.read_model.InventoryReadModel``); the availability use
case sees only this. Snapshots are structural: the use case hands in its own frozen
dataclasses and gets the store's back, both read through these read-only attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol


class QuantSnapshot(Protocol):
    """One quant: a quantity of a product in one internal location, of one lot or none."""

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
    """A stocked product, its keys and every quant it has, as read from Odoo at one moment."""

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
    def refreshed_at(self) -> datetime:
        """When Odoo last confirmed this product and all its quants."""
        ...

    @property
    def quants(self) -> Sequence[QuantSnapshot]: ...


class InventoryReadModelPort(Protocol):
    """Where stocked products live between reads; each product is replaced atomically."""

    async def find(self, key: str) -> ProductSnapshot | None:
        """The product whose barcode (GTIN) or internal reference is ``key``."""
        ...

    async def get(self, product_id: int) -> ProductSnapshot | None:
        """The product with this Odoo id, or None."""
        ...

    async def all(self) -> Sequence[ProductSnapshot]:
        """Every product held, with its quants (to warm a cache)."""
        ...

    async def products_of(
        self,
        *,
        quant_ids: Sequence[int] = (),
        lot_ids: Sequence[int] = (),
        location_ids: Sequence[int] = (),
    ) -> set[int]:
        """Ids of the products that hold any of these quants, lots or locations."""
        ...

    async def put(self, products: Sequence[ProductSnapshot]) -> None:
        """Replace each product and all its quants, in one transaction."""
        ...

    async def remove(self, product_ids: Sequence[int]) -> None:
        """Forget these products and their quants."""
        ...

    async def replace_all(self, products: Sequence[ProductSnapshot]) -> None:
        """Make the read model exactly ``products`` (a full refresh), in one transaction."""
        ...
