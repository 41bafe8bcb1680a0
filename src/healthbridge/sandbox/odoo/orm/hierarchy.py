"""Parent/child trees: the recursion constraint and ``A / B / C`` style names."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from healthbridge.sandbox.odoo.exceptions import ValidationError

if TYPE_CHECKING:
    from healthbridge.sandbox.odoo.orm.model import BaseModel


def check_recursion(records: BaseModel, parent: str) -> None:
    """``ValidationError`` (the model's own text) when a record is its own ancestor."""
    rows = records._rows
    for record_id in records.ids:
        seen = {record_id}
        current = rows[record_id][parent]
        while current is not None and current in rows:
            if current in seen:
                raise ValidationError(records._recursion_message)
            seen.add(current)
            current = rows[current][parent]


def path_names(
    records: BaseModel, name: str, separator: str, *, parent: str | None = None
) -> dict[int, Any]:
    """``Root / Child / Leaf`` names following the parent field (cycles cut short)."""
    rows = records._rows
    parent = parent or records._parent_name
    result: dict[int, Any] = {}
    for record_id in records.ids:
        parts: list[str] = []
        seen: set[int] = set()
        current: int | None = record_id
        while current is not None and current in rows and current not in seen:
            seen.add(current)
            parts.append(rows[current][name] or "")
            current = rows[current][parent]
        result[record_id] = separator.join(reversed(parts)) or None
    return result
