"""Order and invoice lines: picking the rows of one document and reading the common parts."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from healthbridge.canonical.amounts import Money, Quantity
from healthbridge.canonical.invoice import PriceComponent
from healthbridge.mappings.odoo.related import NO_RELATED, OdooRelated
from healthbridge.mappings.odoo.wire import RowReader


def lines_of(
    related: OdooRelated | None, line_model: str, parent_field: str, parent_id: int
) -> list[RowReader]:
    """Readers of the related line rows that belong to document ``parent_id``, in order."""
    readers = [RowReader(line, line_model) for line in (related or NO_RELATED).lines]
    mine = []
    for reader in readers:
        parent = reader.many2one(parent_field)
        if parent is not None and parent[0] == parent_id:
            mine.append(reader)
    mine.sort(key=lambda r: (r.integer("sequence") or 0, r.id()))
    return mine


def quantity(reader: RowReader, field: str, uom_field: str) -> Quantity | None:
    """A Quantity from a quantity field and its unit many2one."""
    value = reader.number_text(field)
    if value is None:
        return None
    uom = reader.many2one(uom_field)
    return _quantity(value, uom[1] if uom else None)


def unit_price(
    reader: RowReader, field: str, currency: str | None
) -> Money | dict[str, Any] | None:
    """The Money of a unit or list price (``None`` without an amount or a currency).

    A Money when it is valid, else the plain dict, so that the enclosing object's
    validation reports the fault at its own place, as for any other field.
    """
    amount = reader.number_text(field)
    if amount is None or currency is None:
        return None
    return _money(amount, currency)


money_of = unit_price
"""The Money of any monetary field (a subtotal, a total): validated once per distinct value."""


def base_component(
    reader: RowReader, field: str, currency: str | None
) -> PriceComponent | dict[str, Any] | None:
    """A ``base`` price component of the amount in ``field`` (a line's subtotal), or None.

    Subtotals repeat as unit prices do (one unit of a catalogue item), so the component
    is validated once per distinct amount; an invalid one stays a dict for the enclosing
    object's validation to report in place.
    """
    amount = reader.number_text(field)
    if amount is None or currency is None:
        return None
    return _base_component(amount, currency)


# Line quantities and unit prices come from a catalogue and repeat across lines and
# documents (1.0 Units, the price of a product), so each distinct value is validated once.
# Keys are the number's text (``RowReader.number_text``), not a Decimal:
# Decimal("1.0") == Decimal("1") but the two are written differently.
@lru_cache(maxsize=2048)
def _quantity(value: str, unit: str | None) -> Quantity:
    data = {"value": Decimal(value), "unit": unit} if unit else {"value": Decimal(value)}
    return Quantity.model_validate(data)


@lru_cache(maxsize=2048)
def _base_component(amount: str, currency: str) -> PriceComponent | dict[str, Any]:
    data = {"type": "base", "amount": {"amount": Decimal(amount), "currency": currency}}
    try:
        return PriceComponent.model_validate(data)
    except ValidationError:
        return data


@lru_cache(maxsize=2048)
def _money(amount: str, currency: str) -> Money | dict[str, Any]:
    data = {"amount": Decimal(amount), "currency": currency}
    try:
        return Money.model_validate(data)
    except ValidationError:
        return data


def currency_of(reader: RowReader) -> str | None:
    """The ISO code a document's ``currency_id`` names (Odoo's display name is the code)."""
    currency = reader.many2one("currency_id")
    return currency[1] if currency else None
