"""The applied catalog state: what the hub runs, and the history of applies.

Implements ``CatalogStatePort``. ``commit`` writes every upsert, every removal and the
revision row in one transaction, so readers see the old state or the new one, never a
mix, and an error part-way leaves the old state in force.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.governance.applied import AppliedResource, AppliedRevision
from healthbridge.governance.plan import resource_hash
from healthbridge.store.governance_schema import governance_resources, governance_revisions

ResourceKey = tuple[str, str]


class CatalogState:
    """The ``governance_resources`` and ``governance_revisions`` tables."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def applied(self) -> dict[ResourceKey, AppliedResource]:
        """Every applied resource by (kind, name)."""
        query = select(governance_resources).order_by(
            governance_resources.c.kind, governance_resources.c.name
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return {(row.kind, row.name): _resource(row) for row in rows}

    async def commit(
        self,
        *,
        upserts: Mapping[ResourceKey, Mapping[str, Any]],
        removals: Sequence[ResourceKey],
        catalog_hash: str,
        applied_by: str,
        at: datetime,
    ) -> AppliedRevision:
        """Record one apply atomically and return its revision."""
        table = governance_resources
        async with self._engine.begin() as connection:
            existing = {
                (row.kind, row.name)
                for row in (await connection.execute(select(table.c.kind, table.c.name))).all()
            }
            added = sum(1 for key in upserts if key not in existing)
            changed = len(upserts) - added
            removed = sum(1 for key in removals if key in existing)
            result = await connection.execute(
                insert(governance_revisions)
                .values(
                    catalog_hash=catalog_hash,
                    applied_at=at,
                    applied_by=applied_by,
                    added=added,
                    changed=changed,
                    removed=removed,
                )
                .returning(governance_revisions.c.id)
            )
            revision = int(result.scalar_one())
            for kind, name in removals:
                await connection.execute(
                    delete(table).where(table.c.kind == kind, table.c.name == name)
                )
            for (kind, name), document in upserts.items():
                values = {
                    "document": dict(document),
                    "resource_hash": resource_hash(document),
                    "revision": revision,
                    "applied_at": at,
                    "applied_by": applied_by,
                }
                if (kind, name) in existing:
                    await connection.execute(
                        update(table)
                        .where(table.c.kind == kind, table.c.name == name)
                        .values(**values)
                    )
                else:
                    await connection.execute(insert(table).values(kind=kind, name=name, **values))
        return AppliedRevision(revision, catalog_hash, at, applied_by, added, changed, removed)

    async def latest_revision(self) -> AppliedRevision | None:
        """The last successful apply, or None before the first."""
        query = select(governance_revisions).order_by(governance_revisions.c.id.desc()).limit(1)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).one_or_none()
        return None if row is None else _revision(row)

    async def revisions(self, limit: int = 20) -> list[AppliedRevision]:
        """The most recent applies, newest first."""
        query = select(governance_revisions).order_by(governance_revisions.c.id.desc()).limit(limit)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_revision(row) for row in rows]


def _resource(row: Row[Any]) -> AppliedResource:
    return AppliedResource(
        kind=row.kind,
        name=row.name,
        document=row.document,
        resource_hash=row.resource_hash,
        revision=int(row.revision),
        applied_at=row.applied_at,
        applied_by=row.applied_by,
    )


def _revision(row: Row[Any]) -> AppliedRevision:
    return AppliedRevision(
        id=int(row.id),
        catalog_hash=row.catalog_hash,
        applied_at=row.applied_at,
        applied_by=row.applied_by,
        added=int(row.added),
        changed=int(row.changed),
        removed=int(row.removed),
    )
