"""Document numbers (P00001, S00001, INV/2026/00001, WH/IN/00001) derived from the data.

The next number is one more than the highest already used under the prefix. Deriving it
from the rows, rather than keeping a counter, means a rolled-back call leaves no gap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from healthbridge.sandbox.odoo.orm.model import BaseModel


def next_number(records: BaseModel, field: str, prefix: str, padding: int = 5) -> str:
    """``prefix`` followed by the next free number, zero-padded to ``padding`` digits."""
    highest = 0
    for row in records.env.store.tables[records._name].rows.values():
        value = row[field]
        if isinstance(value, str) and value.startswith(prefix):
            tail = value[len(prefix) :]
            if tail.isdigit():
                highest = max(highest, int(tail))
    return f"{prefix}{highest + 1:0{padding}d}"
