"""Local fakes for the business use cases: a FakeOdoo with many2ones and a few Odoo actions.

``healthbridge.testing.FakeOdoo`` stores a many2one as a bare id and emulates no business
method. The business use cases read many2ones as ``[id, name]``, follow dotted paths in
domains (``location_id.usage``) and call ``action_post``, ``button_confirm`` and
``fields_get``; :class:`BusinessOdoo` adds exactly those, and nothing else, on top.
:class:`MemoryReadModel` is an in-memory ``InventoryReadModelPort``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from healthbridge.services.ports import Domain, Record
from healthbridge.services.read_model_ports import ProductSnapshot
from healthbridge.testing import FakeOdoo

MANY2ONE: dict[tuple[str, str], str] = {
    ("account.move", "partner_id"): "res.partner",
    ("account.move", "currency_id"): "res.currency",
    ("account.payment", "partner_id"): "res.partner",
    ("purchase.order", "partner_id"): "res.partner",
    ("purchase.order", "currency_id"): "res.currency",
    ("product.product", "uom_id"): "uom.uom",
    ("stock.quant", "product_id"): "product.product",
    ("stock.quant", "location_id"): "stock.location",
    ("stock.quant", "lot_id"): "stock.lot",
    ("stock.lot", "product_id"): "product.product",
}
"""(model, field) -> the model a many2one points at; read back as ``[id, display name]``."""


class BusinessOdoo(FakeOdoo):
    """FakeOdoo plus many2one reads, dotted domain paths and the Odoo actions the use cases call.

    ``sent_field`` says whether ``account.move`` has ``is_move_sent`` (``fields_get``).
    """

    def __init__(self, *, sent_field: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sent_field = sent_field
        self.actions: list[tuple[str, str, tuple[int, ...]]] = []

    def add(self, model: str, **values: Any) -> int:
        """Insert one record directly (set-up, no write_date stamping); its id."""
        return self._insert(model, dict(values))

    async def create(
        self,
        model: str,
        vals_list: Sequence[Mapping[str, Any]],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[int]:
        """As FakeOdoo; ``order_line`` create commands ``(0, 0, vals)`` become line records."""
        plain = []
        for vals in vals_list:
            lines = vals.get("order_line")
            if isinstance(lines, list) and lines and lines[0][0] == 0:
                ids = [self._insert(f"{model}.line", dict(line[2])) for line in lines]
                plain.append({**vals, "order_line": [(6, 0, ids)]})
            else:
                plain.append(vals)
        return await super().create(model, plain, context=context)

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
        """As FakeOdoo, with dotted paths resolved and many2ones read as ``[id, name]``."""
        rows = await super().search_read(
            model,
            self._resolved(model, domain),
            fields,
            offset=offset,
            limit=limit,
            order=order,
            context=context,
        )
        return [self._named(model, row) for row in rows]

    async def read(
        self,
        model: str,
        ids: Sequence[int],
        fields: Sequence[str] | None = None,
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[Record]:
        """As FakeOdoo, with many2ones read as ``[id, name]``."""
        rows = await super().read(model, ids, fields, context=context)
        return [self._named(model, row) for row in rows]

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
        """``fields_get``, ``action_post``, ``action_validate``, ``button_confirm``; else refuse."""
        self.actions.append((model, method, tuple(ids or ())))
        if method == "fields_get":
            self._enter(model, method)
            names = ["id", "name", "state", "payment_state"]
            return {n: {"type": "char"} for n in [*names, *(["is_move_sent"] * self.sent_field)]}
        if (model, method) == ("account.move", "action_post"):
            for record_id in ids or ():
                number = f"INV/2026/{record_id:05d}"
                await self.write(model, [record_id], {"state": "posted", "name": number})
            return True
        if (model, method) == ("account.payment", "action_post"):
            return await self.write(model, list(ids or ()), {"state": "in_process"})
        if (model, method) == ("account.payment", "action_validate"):
            for payment in await super().read(model, list(ids or ()), ["invoice_ids"]):
                await self.write(
                    "account.move",
                    list(payment["invoice_ids"]),
                    {"payment_state": "paid", "amount_residual": 0.0},
                )
            return await self.write(model, list(ids or ()), {"state": "paid"})
        if (model, method) == ("purchase.order", "button_confirm"):
            return await self.write(model, list(ids or ()), {"state": "purchase"})
        return await super().call(
            model, method, ids, params=params, context=context, idempotent=idempotent
        )

    def _named(self, model: str, row: Record) -> Record:
        out = dict(row)
        for name, value in row.items():
            target = MANY2ONE.get((model, name))
            if target is not None and isinstance(value, int) and not isinstance(value, bool):
                record = self._table(target).get(value, {})
                out[name] = [value, record.get("complete_name") or record.get("name") or ""]
        return out

    def _resolved(self, model: str, domain: Domain) -> list[Any]:
        out: list[Any] = []
        for term in domain:
            if isinstance(term, (list, tuple)) and "." in str(term[0]):
                field, _, rest = str(term[0]).partition(".")
                target = MANY2ONE[(model, field)]
                matching = [
                    record_id
                    for record_id, row in self._table(target).items()
                    if _holds(row.get(rest), term[1], term[2])
                ]
                out.append((field, "in", matching))
            else:
                out.append(term)
        return out


def _holds(stored: Any, operator: str, value: Any) -> bool:
    if operator == "=":
        return bool(stored == value)
    if operator == "!=":
        return bool(stored != value)
    raise NotImplementedError(f"dotted paths support = and != only, not {operator!r}")


class MemoryReadModel:
    """An in-memory ``InventoryReadModelPort``: snapshots kept as handed in."""

    def __init__(self) -> None:
        self.products: dict[int, ProductSnapshot] = {}
        self.finds = 0

    async def find(self, key: str) -> ProductSnapshot | None:
        """The product with this barcode or internal reference."""
        self.finds += 1
        return next((p for p in self.products.values() if key in (p.barcode, p.default_code)), None)

    async def get(self, product_id: int) -> ProductSnapshot | None:
        """The product with this id."""
        return self.products.get(product_id)

    async def all(self) -> list[ProductSnapshot]:
        """Every product held."""
        return list(self.products.values())

    async def products_of(
        self,
        *,
        quant_ids: Sequence[int] = (),
        lot_ids: Sequence[int] = (),
        location_ids: Sequence[int] = (),
    ) -> set[int]:
        """Products holding any of these quants, lots or locations."""
        return {
            p.product_id
            for p in self.products.values()
            for q in p.quants
            if q.quant_id in quant_ids or q.lot_id in lot_ids or q.location_id in location_ids
        }

    async def put(self, products: Sequence[ProductSnapshot]) -> None:
        """Replace each product."""
        for product in products:
            self.products[product.product_id] = product

    async def remove(self, product_ids: Sequence[int]) -> None:
        """Forget these products."""
        for product_id in product_ids:
            self.products.pop(product_id, None)

    async def replace_all(self, products: Sequence[ProductSnapshot]) -> None:
        """Hold exactly ``products``."""
        self.products = {p.product_id: p for p in products}
