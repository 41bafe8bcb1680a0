"""Migration 0009 creates exactly the observability tables that slo_schema describes."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

import healthbridge.store.slo_schema  # noqa: F401 - registers the tables on metadata
from healthbridge.store.schema import metadata

TABLES = {"sli_samples", "business_events", "alert_tickets"}


def _tables_of(diff: Any) -> set[str]:
    """The table names one autogenerate difference is about (diffs nest in lists)."""
    if isinstance(diff, list):
        return {name for item in diff for name in _tables_of(item)}
    names: set[str] = set()
    for part in diff:
        table = getattr(part, "table", None)
        name = getattr(part, "name", None) if table is None else table.name
        if isinstance(part, str) and part in TABLES:
            names.add(part)
        elif name in TABLES:
            names.add(str(name))
    return names


async def test_the_migrated_observability_tables_match_their_definitions(
    store_engine: AsyncEngine,
) -> None:
    async with store_engine.connect() as connection:
        differences = await connection.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c), metadata)
        )
    mine = [d for d in differences if _tables_of(d) & TABLES]
    assert mine == []
    assert {t for t in metadata.tables if t in TABLES} == TABLES
