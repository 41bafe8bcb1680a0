"""Approvals of plan items: who approved which change, in which role, when and why.

Implements ``ApprovalPort``. Each approval is bound to the plan item's hash, so editing
the catalog after an approval makes it stale rather than silently carrying it over.
Until the gateway's hash-chained audit log lands, this table is the record; the use
case also calls ``ApprovalAuditPort`` so the audit log receives every approval.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.core.errors import ConflictError
from healthbridge.governance.applied import Approval
from healthbridge.store.governance_schema import governance_approvals

_REASON_LIMIT = 2000


class ApprovalAlreadyRecordedError(ConflictError):
    """That role already approved this exact change."""

    code = "governance.already_approved"


class Approvals:
    """The ``governance_approvals`` table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def record(self, approval: Approval) -> Approval:
        """Store ``approval`` and return it with its id."""
        statement = (
            insert(governance_approvals)
            .values(
                change_id=approval.change_id,
                item_hash=approval.item_hash,
                role=approval.role,
                approved_by=approval.approved_by,
                reason=approval.reason[:_REASON_LIMIT],
                approved_at=approval.approved_at,
            )
            .returning(governance_approvals.c.id)
        )
        try:
            async with self._engine.begin() as connection:
                new_id = int((await connection.execute(statement)).scalar_one())
        except IntegrityError:
            raise ApprovalAlreadyRecordedError(
                f"{approval.change_id} is already approved as {approval.role}",
                details={"change": approval.change_id, "role": approval.role},
            ) from None
        return Approval(
            approval.change_id,
            approval.item_hash,
            approval.role,
            approval.approved_by,
            approval.reason[:_REASON_LIMIT],
            approval.approved_at,
            new_id,
        )

    async def for_items(self, item_hashes: Sequence[str]) -> list[Approval]:
        """Every approval of these plan items, oldest first."""
        if not item_hashes:
            return []
        query = (
            select(governance_approvals)
            .where(governance_approvals.c.item_hash.in_(list(item_hashes)))
            .order_by(governance_approvals.c.id)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_approval(row) for row in rows]

    async def latest(self, limit: int = 50) -> list[Approval]:
        """The most recent approvals, newest first."""
        query = select(governance_approvals).order_by(governance_approvals.c.id.desc()).limit(limit)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_approval(row) for row in rows]


def _approval(row: Row[Any]) -> Approval:
    return Approval(
        change_id=row.change_id,
        item_hash=row.item_hash,
        role=row.role,
        approved_by=row.approved_by,
        reason=row.reason,
        approved_at=row.approved_at,
        id=int(row.id),
    )
