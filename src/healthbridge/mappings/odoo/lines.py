"""Order and invoice lines: picking the rows of one document and reading the common parts."""

from __future__ import annotations

from typing import Any

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


def quantity(reader: RowReader, field: str, uom_field: str) -> dict[str, Any] | None:
    """A Quantity (dict) from a quantity field and its unit many2one."""
    value = reader.number(field)
    if value is None:
        return None
    uom = reader.many2one(uom_field)
    return {"value": value, "unit": uom[1]} if uom and uom[1] else {"value": value}


def currency_of(reader: RowReader) -> str | None:
    """The ISO code a document's ``currency_id`` names (Odoo's display name is the code)."""
    currency = reader.many2one("currency_id")
    return currency[1] if currency else None
