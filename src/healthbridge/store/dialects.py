"""The one place where the store speaks a dialect: ``INSERT ... ON CONFLICT`` upserts.

SQLite and PostgreSQL both have ``ON CONFLICT DO UPDATE`` with the same meaning, but
SQLAlchemy exposes it per dialect; this picks the right construct for a connection.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect


def upsert(table: Table, dialect: Dialect) -> Any:
    """An ``insert(table)`` that has ``on_conflict_do_update`` and ``excluded`` for ``dialect``."""
    if dialect.name == "postgresql":
        return postgresql.insert(table)
    if dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"the store supports sqlite and postgresql, not {dialect.name}")


def json_array_length(expression: Any, dialect: Dialect) -> Any:
    """The SQL length of a JSON array column: ``jsonb_array_length`` or ``json_array_length``."""
    if dialect.name == "postgresql":
        return func.jsonb_array_length(expression)
    return func.json_array_length(expression)
