"""The in-memory tables and the undo journal that makes each call one transaction.

A call never copies the database: before a row is first changed the journal keeps the
row as it was (or notes that it is new), and a rollback puts those back. Read-only calls
therefore cost nothing, and a failed write leaves exactly the state it found.
"""

from __future__ import annotations

from typing import Any

Row = dict[str, Any]


class Table:
    """The rows of one model, by id."""

    __slots__ = ("model", "next_id", "rows")

    def __init__(self, model: str) -> None:
        self.model = model
        self.rows: dict[int, Row] = {}
        self.next_id = 1


class Store:
    """Every table, plus a version number that moves on each change (caches key on it)."""

    def __init__(self, models: list[str]) -> None:
        self.tables: dict[str, Table] = {model: Table(model) for model in models}
        self.version = 0
        self.caches: dict[Any, tuple[int, Any]] = {}

    def cached(self, key: Any) -> Any:
        """A value cached for the current version, or None."""
        hit = self.caches.get(key)
        if hit is not None and hit[0] == self.version:
            return hit[1]
        return None

    def remember(self, key: Any, value: Any) -> Any:
        self.caches[key] = (self.version, value)
        return value


class Journal:
    """What a transaction changed, so that it can be undone."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._saved: dict[tuple[str, int], Row | None] = {}
        self._next_ids: dict[str, int] = {}

    def insert(self, model: str, row: Row, record_id: int | None = None) -> int:
        """Add a row and return its id; ``record_id`` forces the id (demo data, users)."""
        table = self.store.tables[model]
        if model not in self._next_ids:
            self._next_ids[model] = table.next_id
        if record_id is None:
            record_id = table.next_id
        table.next_id = max(table.next_id, record_id + 1)
        row["id"] = record_id
        self._saved.setdefault((model, record_id), None)
        table.rows[record_id] = row
        self.store.version += 1
        return record_id

    def update(self, model: str, record_id: int, values: Row) -> None:
        """Change columns of an existing row in place."""
        row = self.store.tables[model].rows[record_id]
        key = (model, record_id)
        if key not in self._saved:
            self._saved[key] = dict(row)
        row.update(values)
        self.store.version += 1

    def delete(self, model: str, record_id: int) -> None:
        table = self.store.tables[model]
        key = (model, record_id)
        row = table.rows.pop(record_id)
        if key not in self._saved:
            self._saved[key] = row
        self.store.version += 1

    def rollback(self) -> None:
        """Put every touched row back as it was before the transaction."""
        tables = self.store.tables
        for (model, record_id), before in self._saved.items():
            rows = tables[model].rows
            if before is None:
                rows.pop(record_id, None)
            else:
                current = rows.get(record_id)
                if current is None:
                    rows[record_id] = before
                else:
                    current.clear()
                    current.update(before)
        for model, next_id in self._next_ids.items():
            tables[model].next_id = next_id
        self._saved.clear()
        self._next_ids.clear()
        self.store.version += 1

    def commit(self) -> None:
        self._saved.clear()
        self._next_ids.clear()
